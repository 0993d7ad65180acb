//! Plugins that misbehave are stopped by the host and reported by name; one that calls what it
//! was not granted gets `denied` as a value.

use std::time::{Duration, Instant};

use serde_json::Value;

use crate::support::{Emulator, Run, guests, workflow};

/// Applies a one-step workflow running the `misbehave` guest with `action`.
fn misbehave(emulator: &Emulator, action: &str, limits: &str) -> Run {
    let (dir, file) = workflow(&format!(
        "[workflow]\nname = \"sandbox\"\n\n[[step]]\nid = \"bad\"\nplugin = \"{}\"\nwith = {{ action = \"{action}\" }}\n{limits}\n",
        guests::MISBEHAVE
    ));
    let run = emulator
        .switchyard()
        .run(["apply", "--output", "json", file.to_str().expect("utf-8")]);
    drop(dir);
    run
}

fn failure(run: &Run) -> (String, String) {
    let json = run.json();
    let step = &json["steps"][0];
    assert_eq!(step["status"], "failed", "{run:?}");
    (
        step["failure"]["code"].as_str().unwrap_or_default().to_owned(),
        step["failure"]["message"].as_str().unwrap_or_default().to_owned(),
    )
}

/// A plugin that traps fails its step with code `crash` and its own panic message; apply exits 1.
#[test]
fn a_trap_is_reported_with_the_plugins_panic_message() {
    let emulator = Emulator::start();
    let run = misbehave(&emulator, "trap", "");
    assert_eq!(run.code, 1, "{run:?}");
    let (code, message) = failure(&run);
    assert_eq!(code, "crash");
    assert!(message.contains("misbehave: deliberate trap"), "{message}");
}

/// A plugin in an endless loop is stopped by a 1-second time limit well within 30 s: code `limit`,
/// a message naming the limit, exit 1.
#[test]
fn an_endless_loop_is_stopped_by_the_time_limit() {
    let emulator = Emulator::start();
    let started = Instant::now();
    let run = misbehave(&emulator, "loop", "limits = { time_seconds = 1 }");
    assert!(started.elapsed() < Duration::from_secs(30), "stopped promptly");
    assert_eq!(run.code, 1, "{run:?}");
    let (code, message) = failure(&run);
    assert_eq!(code, "limit");
    assert!(
        message.contains("time limit of 1 s (`limits.time_seconds`"),
        "{message}"
    );
}

/// A plugin growing past a 32 MiB memory cap is stopped: code `limit`, a message naming the cap in
/// bytes, exit 1.
#[test]
fn growing_past_the_memory_cap_is_stopped() {
    let emulator = Emulator::start();
    let run = misbehave(&emulator, "alloc", "limits = { memory_mib = 32 }");
    assert_eq!(run.code, 1, "{run:?}");
    let (code, message) = failure(&run);
    assert_eq!(code, "limit");
    assert!(message.contains("over its limit of 33554432 bytes"), "{message}");
}

/// An IAM call the step was not granted returns `denied` (for `iam:read`) to the plugin as a
/// value: apply exits 0, and no IAM request is sent.
#[test]
fn a_call_not_granted_is_denied_as_a_value_and_never_reaches_aws() {
    let emulator = Emulator::start();
    let run = misbehave(&emulator, "call-iam", "");
    assert_eq!(run.code, 0, "{run:?}");
    let outputs = &run.json()["steps"][0]["outputs"];
    assert_eq!(outputs["code"], "denied", "{run:?}");
    assert_eq!(outputs["capability"], "iam:read", "{run:?}");
    let iam: Vec<Value> = emulator
        .requests()
        .into_iter()
        .filter(|r| r["service"] == "iam")
        .collect();
    assert_eq!(iam, Vec::<Value>::new(), "no IAM request was sent");
}

/// With `iam:read` granted, the same call returns the certificate count (0) and apply exits 0.
#[test]
fn the_same_call_granted_goes_through() {
    let emulator = Emulator::start();
    let run = misbehave(&emulator, "call-iam", "grants = [\"iam:read\"]");
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(run.json()["steps"][0]["outputs"]["certificates"], 0, "{run:?}");
}

/// A plugin's log line, progress and step error holding a newline and escape sequences reach
/// the terminal as one visible line each, tagged with the step: no forged `[attach]` line, no
/// escape character; the JSON report keeps the text as it was.
#[test]
fn plugin_text_cannot_forge_a_line_or_reach_the_terminal_raw() {
    let emulator = Emulator::start();
    let (dir, file) = workflow(&format!(
        "[workflow]\nname = \"sandbox\"\n\n[[step]]\nid = \"bad\"\nplugin = \"{}\"\nwith = {{ action = \"forge\" }}\n",
        guests::MISBEHAVE
    ));
    let run = emulator.switchyard().run(["apply", file.to_str().expect("utf-8")]);
    drop(dir);
    assert_eq!(run.code, 1, "{run:?}");
    for text in [&run.stdout, &run.stderr] {
        assert!(
            !text.contains('\u{1b}'),
            "an escape character reached the terminal: {run:?}"
        );
        assert!(
            !text.lines().any(|l| l.starts_with("[attach]")),
            "a forged line: {run:?}"
        );
    }
    let shown = "ok\\n[attach] certificate attached to E2FORGED\\u{1b}[2K\\u{1b}[31m";
    assert!(run.stderr.contains(&format!("[bad] {shown}")), "{run:?}");
    assert!(run.stdout.contains(&format!("failed: {shown}")), "{run:?}");
}
