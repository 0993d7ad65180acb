//! `switchyard whoami`, the account pin, and the missing-region error.

use crate::support::{ACCOUNT, Emulator, guests, switchyard, workflow};

/// `whoami` names the account and region in human output, and gives the account, region and an
/// `arn:aws:` ARN in JSON.
#[test]
fn whoami_names_the_account_in_both_outputs() {
    let emulator = Emulator::start();
    let run = emulator.switchyard().run(["whoami"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stdout.contains(ACCOUNT) && run.stdout.contains("us-east-1"),
        "{run:?}"
    );
    let json = emulator.switchyard().run(["whoami", "--output", "json"]).json();
    assert_eq!(json["account"], ACCOUNT);
    assert_eq!(json["region"], "us-east-1");
    assert!(
        json["arn"].as_str().is_some_and(|a| a.starts_with("arn:aws:")),
        "{json}"
    );
}

/// With no region set, `whoami` exits 2, saying there is no AWS region and pointing to `--region`.
#[test]
fn no_region_is_a_clear_error_not_a_fallback() {
    let emulator = Emulator::start();
    let mut cmd = emulator.switchyard();
    cmd.0.env_remove("AWS_REGION");
    let run = cmd.run(["whoami"]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.contains("no AWS region"), "{run:?}");
    assert!(run.stderr.contains("--region"), "says how to fix it: {run:?}");
}

/// Pinned to another account, plan and apply exit 2 naming both accounts and send no IAM
/// request; pinned to the emulator's account, apply exits 0.
#[test]
fn a_workflow_pinned_to_another_account_runs_nothing() {
    let emulator = Emulator::start();
    let (_dir, file) = workflow(&format!(
        "[workflow]\nname = \"pinned\"\naccount = \"999999999999\"\n\n[[step]]\nid = \"probe\"\nplugin = \"{}\"\nwith = {{ action = \"call-iam\" }}\ngrants = [\"iam:read\"]\n",
        guests::MISBEHAVE
    ));
    for command in ["plan", "apply"] {
        let run = emulator.switchyard().run([command, file.to_str().expect("utf-8")]);
        assert_eq!(run.code, 2, "{run:?}");
        assert!(
            run.stderr.contains("999999999999") && run.stderr.contains(ACCOUNT),
            "names both accounts: {run:?}"
        );
    }
    let iam = emulator
        .requests()
        .into_iter()
        .filter(|r| r["service"] == "iam")
        .count();
    assert_eq!(iam, 0, "no step ran");

    let right = std::fs::read_to_string(&file)
        .expect("read")
        .replace("999999999999", ACCOUNT);
    std::fs::write(&file, right).expect("write");
    let run = emulator.switchyard().run(["apply", file.to_str().expect("utf-8")]);
    assert_eq!(run.code, 0, "{run:?}");
}

/// `--help` exits 0 and lists plan, apply, whoami, plugins and validate; an unknown subcommand
/// exits 2.
#[test]
fn the_cli_definition_is_consistent() {
    let run = switchyard().run(["--help"]);
    assert_eq!(run.code, 0, "{run:?}");
    for command in ["plan", "apply", "whoami", "plugins", "validate"] {
        assert!(run.stdout.contains(command), "{command} in --help: {run:?}");
    }
    let run = switchyard().run(["frobnicate"]);
    assert_eq!(run.code, 2, "unknown subcommand is a usage error: {run:?}");
}
