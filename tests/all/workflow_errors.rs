//! Every kind of workflow-file mistake: exit code 2, the file and the field named, a fix said,
//! and nothing run.

use crate::support::{Run, guests, switchyard, workflow};

const HEADER: &str = "[workflow]\nname = \"w\"\nregion = \"us-east-1\"\n";

/// A step running the `misbehave` guest that would echo; mistakes are made around it.
fn echo_step(extra: &str) -> String {
    format!(
        "[[step]]\nid = \"one\"\nplugin = \"{}\"\nwith = {{ action = \"echo\" }}\n{extra}\n",
        guests::MISBEHAVE
    )
}

/// Plans `text` with no AWS credentials at all: every one of these must fail before AWS.
fn plan(text: &str) -> (Run, String) {
    let (dir, file) = workflow(text);
    let run = switchyard().run(["plan", file.to_str().expect("utf-8")]);
    drop(dir);
    (run, file.display().to_string())
}

/// Asserts a usage error naming the file and containing each of `said`.
fn assert_usage_error(text: &str, said: &[&str]) {
    let (run, file) = plan(text);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.contains(&file), "names the file {file}: {run:?}");
    for s in said {
        assert!(run.stderr.contains(s), "says {s:?}: {run:?}");
    }
    assert!(!run.stderr.contains("panicked"), "{run:?}");
}

/// A TOML syntax error is a usage error (exit 2) naming the file and the line.
#[test]
fn toml_syntax_errors_give_the_line() {
    assert_usage_error(&format!("{HEADER}\n[[step]\nid = 1\n"), &["line 5"]);
}

/// A misspelt field in the header, a step or the top level is a usage error naming the field
/// (and, for the header, `name`).
#[test]
fn unknown_fields_are_rejected_by_name() {
    assert_usage_error("[workflow]\nnmae = \"w\"\n", &["unknown field `nmae`", "name"]);
    assert_usage_error(
        &format!("{HEADER}{}", echo_step("grant = [\"iam:read\"]")),
        &["unknown field `grant`"],
    );
    assert_usage_error(&format!("{HEADER}[stepz]\n"), &["unknown field `stepz`"]);
}

/// No `[workflow]`, an account not of 12 digits, an account not a string (with its line) and no
/// steps are each a usage error saying so.
#[test]
fn the_header_is_checked() {
    assert_usage_error(&echo_step(""), &["missing field `workflow`"]);
    assert_usage_error(
        &format!("[workflow]\nname = \"w\"\naccount = \"12345\"\n{}", echo_step("")),
        &["workflow.account", "12 digits"],
    );
    assert_usage_error(
        "[workflow]\nname = \"w\"\naccount = 123456789012\n",
        &["line 3", "expected a string"],
    );
    assert_usage_error(HEADER, &["no steps", "[[step]]"]);
}

/// A repeated step id and an id with a space are usage errors naming the step's `id` field.
#[test]
fn step_ids_must_be_valid_and_unique() {
    assert_usage_error(
        &format!("{HEADER}{}{}", echo_step(""), echo_step("")),
        &["step[1] (one).id", "unique"],
    );
    assert_usage_error(
        &format!(
            "{HEADER}{}",
            echo_step("").replace("id = \"one\"", "id = \"has space\"")
        ),
        &["step[0].id"],
    );
}

/// An unknown built-in (the real ones listed), a missing file, a wrong or malformed `sha256` and
/// a `sha256` on a built-in are each a usage error saying so.
#[test]
fn plugins_must_exist_and_match_their_pin() {
    assert_usage_error(
        &format!("{HEADER}[[step]]\nid = \"a\"\nplugin = \"no-such-plugin\"\n"),
        &[
            "step `a`",
            "no built-in plugin is named `no-such-plugin`",
            "validate-cert",
        ],
    );
    assert_usage_error(
        &format!("{HEADER}[[step]]\nid = \"a\"\nplugin = \"./missing.wasm\"\n"),
        &["step `a`", "missing.wasm"],
    );
    let wrong = "0".repeat(64);
    assert_usage_error(
        &format!("{HEADER}{}", echo_step(&format!("sha256 = \"{wrong}\""))),
        &["step `one`", "not the pinned", &wrong],
    );
    assert_usage_error(
        &format!("{HEADER}{}", echo_step("sha256 = \"abc\"")),
        &["step[0] (one).sha256", "64 hex"],
    );
    assert_usage_error(
        &format!("{HEADER}[[step]]\nid = \"a\"\nplugin = \"validate-cert\"\nsha256 = \"{wrong}\"\n"),
        &["sha256", "built-in"],
    );
}

/// A `.wasm` file that is not a plugin is a usage error (exit 2) naming the file.
#[test]
fn a_file_that_is_not_a_plugin_is_named() {
    let (dir, file) = workflow(&format!("{HEADER}[[step]]\nid = \"a\"\nplugin = \"./junk.wasm\"\n"));
    std::fs::write(dir.path().join("junk.wasm"), b"\0asm junk").expect("write");
    let run = switchyard().run(["plan", file.to_str().expect("utf-8")]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr.contains("junk.wasm") && run.stderr.contains("not a usable switchyard plugin"),
        "{run:?}"
    );
}

/// An unknown capability (a known one suggested), a file grant without its files or climbing
/// out of the workflow's folder, and a missing grant (how to add it said) are usage errors.
#[test]
fn grants_must_be_known_and_sufficient() {
    assert_usage_error(
        &format!("{HEADER}{}", echo_step("grants = [\"iam:admin\"]")),
        &["step[0] (one).grants[0]", "unknown capability `iam:admin`", "iam:read"],
    );
    assert_usage_error(
        &format!("{HEADER}{}", echo_step("grants = [\"s3:write\", \"files:read\"]")),
        &["step[0] (one).grants[1]", "`files:read` must name the files it grants"],
    );
    assert_usage_error(
        &format!("{HEADER}{}", echo_step("grants = [\"files:read:../../proc/self/*\"]")),
        &[
            "step[0] (one).grants[0]",
            "leaves the workflow's folder: name what is outside it by its absolute path",
        ],
    );
    assert_usage_error(
        &format!(
            "{HEADER}[[step]]\nid = \"check\"\nplugin = \"validate-cert\"\nwith = {{ certificate = \"a\", private_key = \"b\" }}\n"
        ),
        &[
            "step `check` (plugin validate-cert) needs `certificates:load`",
            "add `certificates:load:PATH` (PATH: the files it reads, e.g. `certs/*`) to the step's `grants`",
        ],
    );
}

/// A reference to an unknown var, an unset env var or no earlier step, an unclosed `${`, and an
/// unknown namespace (the valid ones listed) are each a usage error saying so.
#[test]
fn references_must_resolve() {
    assert_usage_error(
        &format!(
            "{HEADER}{}",
            echo_step("").replace("action = \"echo\"", "action = \"${vars.nope}\"")
        ),
        &["step[0] (one).with.action", "no var `nope`"],
    );
    assert_usage_error(
        &format!(
            "{HEADER}{}",
            echo_step("").replace("action = \"echo\"", "action = \"${env.SWITCHYARD_TEST_SURELY_UNSET}\"")
        ),
        &["with.action", "SWITCHYARD_TEST_SURELY_UNSET is not set"],
    );
    assert_usage_error(
        &format!(
            "{HEADER}{}",
            echo_step("").replace("action = \"echo\"", "action = \"${steps.later.x}\"")
        ),
        &["no earlier step has id `later`"],
    );
    assert_usage_error(
        &format!(
            "{HEADER}{}",
            echo_step("").replace("action = \"echo\"", "action = \"${vars.x\"")
        ),
        &["without a closing"],
    );
    assert_usage_error(
        &format!(
            "{HEADER}{}",
            echo_step("").replace("action = \"echo\"", "action = \"${what.x}\"")
        ),
        &["vars.", "env.", "steps."],
    );
}

/// `memory_mib = 0` is a usage error giving the range 1 to 4096; `time_seconds = 99999` is one
/// naming the field.
#[test]
fn limits_must_be_in_range() {
    assert_usage_error(
        &format!("{HEADER}{}", echo_step("limits = { memory_mib = 0 }")),
        &["limits.memory_mib", "1 to 4096"],
    );
    assert_usage_error(
        &format!("{HEADER}{}", echo_step("limits = { time_seconds = 99999 }")),
        &["limits.time_seconds"],
    );
}

/// A workflow file that cannot be read is a usage error (exit 2) naming the path.
#[test]
fn a_missing_workflow_file_is_a_usage_error() {
    let run = switchyard().run(["plan", "/nonexistent/workflow.toml"]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr.contains("/nonexistent/workflow.toml") && run.stderr.contains("cannot read"),
        "{run:?}"
    );
}

/// A `--region` other than the workflow's is a usage error (exit 2) naming both regions.
#[test]
fn region_flag_must_agree_with_the_workflow() {
    let (dir, file) = workflow(&format!("{HEADER}{}", echo_step("")));
    let run = switchyard().run(["plan", "--region", "eu-west-1", file.to_str().expect("utf-8")]);
    drop(dir);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr.contains("eu-west-1") && run.stderr.contains("us-east-1"),
        "{run:?}"
    );
}

/// With `--output json`, a usage error exits 2 with one JSON document on stdout: `ok` false and
/// the error naming the bad field.
#[test]
fn errors_are_one_json_document_with_output_json() {
    let (dir, file) = workflow("[workflow]\nnmae = \"w\"\n");
    let run = switchyard().run(["plan", "--output", "json", file.to_str().expect("utf-8")]);
    drop(dir);
    assert_eq!(run.code, 2, "{run:?}");
    let json = run.json();
    assert_eq!(json["ok"], false);
    assert!(json["error"].as_str().is_some_and(|e| e.contains("nmae")), "{json}");
}
