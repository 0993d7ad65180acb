//! The faults the host is hardened against (issue 9), end to end: a journal torn, damaged or
//! empty, its folder removed during an apply, a workflow reading a secret, credentials missing or
//! half set, an endpoint that never answers, Ctrl-C, and the exit codes of what is refused.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::support::site::Site;
use crate::support::snapshot::snapshot;
use crate::support::{Emulator, Run, Switchyard, guests, switchyard, workflow};

/// Runs `switchyard ARGS --output json` in the site's folder, where `runs` and `rollback` look.
fn run(site: &Site, args: &[&str]) -> Run {
    site.emulator
        .switchyard()
        .dir(site.path())
        .run(args.iter().copied().chain(["--output", "json"]))
}

/// The runs `switchyard runs` lists, oldest first.
fn runs(site: &Site) -> Vec<Value> {
    let listed = run(site, &["runs"]);
    assert_eq!(listed.code, 0, "{listed:?}");
    listed.json().as_array().cloned().expect("a list of runs")
}

/// The site's runs folder.
fn runs_dir(site: &Site) -> PathBuf {
    site.path().join(".switchyard").join("runs")
}

/// The journal of run `id`.
fn journal(site: &Site, id: &str) -> PathBuf {
    runs_dir(site).join(format!("{id}.jsonl"))
}

fn read(path: &std::path::Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The error of a command run with `--output json`: its `{"ok": false, "error": …}` document.
fn error(run: &Run) -> String {
    let json = run.json();
    assert_eq!(json["ok"], false, "{run:?}");
    json["error"].as_str().expect("an error message").to_owned()
}

/// The report of step `id` in an apply's report.
fn step<'a>(report: &'a Value, id: &str) -> &'a Value {
    report["steps"]
        .as_array()
        .and_then(|s| s.iter().find(|s| s["id"] == id))
        .unwrap_or_else(|| panic!("no step {id}: {report:#}"))
}

/// The changes of kind `kind` of run `id`, as `runs show` gives them.
fn changes_of(site: &Site, id: &str, kind: &str) -> Vec<Value> {
    let shown = run(site, &["runs", "show", id]);
    assert_eq!(shown.code, 0, "{shown:?}");
    shown.json()["changes"]
        .as_array()
        .cloned()
        .expect("changes")
        .into_iter()
        .filter(|c| c["change"]["kind"] == kind)
        .collect()
}

/// Has the emulator hold the next request of AWS `action` (handled first when `after`).
fn stall(site: &Site, action: &str, after: bool) {
    site.emulator.post(
        "/_switchyard/hooks/stall",
        &json!({ "action": action, "after": after }).to_string(),
    );
}

/// Waits until the emulator holds the stalled request of `action`; fails if `child` ends first.
fn wait_until_held(site: &Site, child: &mut Child, action: &str) {
    let started = Instant::now();
    while site.emulator.get("/_switchyard/hooks/stall")["stalled"] != true {
        if let Ok(Some(status)) = child.try_wait() {
            panic!("switchyard ended ({status}) before it sent {action}");
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "switchyard never sent {action}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Lets the held request go (answered, when it was handled first) and disarms the stall.
fn release(site: &Site) {
    site.emulator.post("/_switchyard/hooks/stall", r#"{"release": true}"#);
}

/// Starts `apply` in the site's folder, waits until the emulator holds a request of `action`
/// (handled first when `after`), and kills the process with SIGKILL there.
fn apply_killed_at(site: &Site, action: &str, after: bool) {
    stall(site, action, after);
    let mut child = site
        .emulator
        .switchyard()
        .dir(site.path())
        .spawn(["apply", "workflow.toml"]);
    wait_until_held(site, &mut child, action);
    child.kill().expect("kill -9");
    child.wait().expect("reap");
    release(site);
}

/// Sends SIGINT, what Ctrl-C sends, to `child` alone.
fn ctrl_c(child: &Child) {
    let pid = child.id().to_string();
    let status = Command::new("kill")
        .args(["-INT", pid.as_str()])
        .status()
        .expect("run kill");
    assert!(status.success(), "kill -INT: {status}");
}

/// Exactly one of each resource the workflow makes, however its runs went.
async fn assert_one_of_each(site: &Site) {
    let state = snapshot(&site.sdk).await;
    let count = |v: &Value| v.as_array().map_or(0, Vec::len);
    for (what, items) in [
        ("IAM server certificates", &state["iam"]),
        ("distributions", &state["cloudfront"]["distributions"]),
        ("origin access controls", &state["cloudfront"]["origin_access_controls"]),
        (
            "response headers policies",
            &state["cloudfront"]["response_headers_policies"],
        ),
        ("health checks", &state["route53"]["health_checks"]),
        ("buckets", &state["s3"]),
    ] {
        assert_eq!(count(items), 1, "{what}: {state:#}");
    }
}

/// A `switchyard` process whose standard output and error are collected while it runs.
struct Watched {
    child: Child,
    stdout: Arc<Mutex<Vec<u8>>>,
    stderr: Arc<Mutex<Vec<u8>>>,
    readers: Vec<JoinHandle<()>>,
}

impl Watched {
    fn start(mut cmd: Switchyard, args: &[&str]) -> Self {
        let mut child = cmd
            .0
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start switchyard");
        let stdout = Arc::new(Mutex::new(Vec::new()));
        let stderr = Arc::new(Mutex::new(Vec::new()));
        let readers = vec![
            collect(child.stdout.take().expect("stdout"), Arc::clone(&stdout)),
            collect(child.stderr.take().expect("stderr"), Arc::clone(&stderr)),
        ];
        Self {
            child,
            stdout,
            stderr,
            readers,
        }
    }

    fn text(buffer: &Mutex<Vec<u8>>) -> String {
        String::from_utf8_lossy(&buffer.lock().unwrap_or_else(PoisonError::into_inner)).into_owned()
    }

    /// What it wrote to standard error so far.
    fn stderr(&self) -> String {
        Self::text(&self.stderr)
    }

    /// Waits until its standard error holds `text`; fails if it ends first or takes `within`.
    fn wait_for_stderr(&mut self, text: &str, within: Duration) {
        let started = Instant::now();
        while !self.stderr().contains(text) {
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!(
                    "switchyard ended ({status}) before it said {text:?}:\n{}",
                    self.stderr()
                );
            }
            assert!(
                started.elapsed() < within,
                "switchyard did not say {text:?} within {within:?}:\n{}",
                self.stderr()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Waits for it to end, at most `within` (then kills it and fails).
    fn finish(mut self, within: Duration) -> Run {
        let started = Instant::now();
        let status = loop {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                break status;
            }
            if started.elapsed() > within {
                let _ = self.child.kill();
                let _ = self.child.wait();
                panic!(
                    "switchyard did not end within {within:?}\n--- stderr\n{}",
                    self.stderr()
                );
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        for reader in std::mem::take(&mut self.readers) {
            reader.join().expect("pipe reader");
        }
        Run {
            code: status.code().unwrap_or(-1),
            stdout: Self::text(&self.stdout),
            stderr: self.stderr(),
        }
    }
}

impl Drop for Watched {
    fn drop(&mut self) {
        // A test that failed half-way leaves no process behind.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Copies `from` into `into` until it ends.
fn collect(mut from: impl Read + Send + 'static, into: Arc<Mutex<Vec<u8>>>) -> JoinHandle<()> {
    std::thread::spawn(move || {
        let mut buffer = [0u8; 4096];
        loop {
            match from.read(&mut buffer) {
                Ok(0) => break,
                Ok(n) => into
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .extend_from_slice(&buffer[..n]),
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => panic!("read from switchyard: {e}"),
            }
        }
    })
}

/// An apply killed once CloudFront made the distribution, its journal then ending in half a line
/// (as a crash in the middle of a write leaves it): `runs` lists the run as interrupted, not
/// damaged; the next apply resumes it (exit 0, `resumed`, the same run) after cutting exactly the
/// half line away, so every line of the journal reads and one `resumed` line stands on its own;
/// `runs` then lists it as succeeded, and its rollback (exit 0) leaves AWS as before the run.
#[tokio::test]
async fn a_torn_last_journal_line_is_cut_away_and_the_run_resumes_and_rolls_back() {
    let site = Site::new().await;
    let before = snapshot(&site.sdk).await;
    apply_killed_at(&site, "CreateDistribution", true);
    let listed = runs(&site);
    assert_eq!(listed.len(), 1, "{listed:#?}");
    let id = listed[0]["id"].as_str().expect("id").to_owned();
    let path = journal(&site, &id);
    let whole = read(&path);
    assert!(whole.ends_with('\n'), "a kill leaves whole lines: {whole}");
    // A crash in the middle of a write: half an entry, no newline.
    std::fs::OpenOptions::new()
        .append(true)
        .open(&path)
        .expect("open the journal")
        .write_all(br#"{"format":2,"at":"torn-by-a-crash","event":"do"#)
        .expect("append half a line");
    let listed = runs(&site);
    assert_eq!(
        listed[0]["status"], "interrupted",
        "the torn line is ignored: {listed:#?}"
    );

    let resumed = run(&site, &["apply", "workflow.toml"]);
    assert_eq!(resumed.code, 0, "{resumed:?}");
    let report = resumed.json();
    assert_eq!(report["resumed"], true, "{report:#}");
    assert_eq!(report["run"], id.as_str(), "the same run goes on");
    let text = read(&path);
    assert!(!text.contains("torn-by-a-crash"), "{text}");
    assert!(text.starts_with(&whole), "only the torn line was cut: {text}");
    let events: Vec<Value> = text
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap_or_else(|e| panic!("a line that does not read ({e}): {l}\n{text}"))
        })
        .collect();
    assert_eq!(events.iter().filter(|e| e["event"] == "resumed").count(), 1, "{text}");
    assert_one_of_each(&site).await;

    let listed = runs(&site);
    assert_eq!(listed.len(), 1, "{listed:#?}");
    assert_eq!(listed[0]["status"], "succeeded", "{listed:#?}");
    let rolled = run(&site, &["rollback", &id]);
    assert_eq!(rolled.code, 0, "{rolled:?}");
    assert_eq!(rolled.json()["complete"], true, "{rolled:?}");
    assert_eq!(snapshot(&site.sdk).await, before, "{rolled:?}");
}

/// A line of garbage in the middle of a finished run's journal: `runs` still exits 0 and lists
/// the run as `damaged` at line 2, not a journal entry; an apply of its workflow is refused
/// (exit 2, no write) naming the line and `switchyard runs repair RUN`; `runs repair` (exit 0)
/// drops that line only and keeps the journal as it was as `RUN.jsonl.damaged`; the run is then
/// listed as succeeded, and its rollback (exit 0) leaves AWS as before it.
#[tokio::test]
async fn a_garbage_line_marks_the_run_damaged_until_runs_repair_drops_it() {
    let site = Site::new().await;
    let before = snapshot(&site.sdk).await;
    let applied = site.apply();
    let id = applied["run"].as_str().expect("run id").to_owned();
    let path = journal(&site, &id);
    let whole = read(&path);
    let mut lines: Vec<&str> = whole.lines().collect();
    lines.insert(1, "this is not a journal entry");
    let damaged = lines.join("\n") + "\n";
    std::fs::write(&path, &damaged).expect("write the journal");

    let listed = runs(&site);
    assert_eq!(listed.len(), 1, "{listed:#?}");
    assert_eq!(listed[0]["id"], id.as_str(), "{listed:#?}");
    assert_eq!(listed[0]["status"], "damaged", "{listed:#?}");
    assert_eq!(listed[0]["damage"]["line"], 2, "{listed:#?}");
    assert!(
        listed[0]["damage"]["reason"]
            .as_str()
            .is_some_and(|r| r.starts_with("not a journal entry")),
        "{listed:#?}"
    );

    site.clear_log();
    let refused = run(&site, &["apply", "workflow.toml"]);
    assert_eq!(refused.code, 2, "{refused:?}");
    let message = error(&refused);
    assert!(
        message.contains(&format!("{id}.jsonl:2: run {id} is damaged")),
        "{message}"
    );
    assert!(message.contains(&format!("`switchyard runs repair {id}`")), "{message}");
    assert_eq!(site.emulator.writes(), Vec::<Value>::new(), "refused before any change");

    let repaired = run(&site, &["runs", "repair", &id]);
    assert_eq!(repaired.code, 0, "{repaired:?}");
    let repaired = repaired.json();
    assert_eq!(repaired["dropped"], json!([2]), "{repaired:#}");
    assert!(
        repaired["original"]
            .as_str()
            .is_some_and(|o| o.ends_with(&format!("{id}.jsonl.damaged"))),
        "{repaired:#}"
    );
    assert_eq!(read(&path.with_extension("jsonl.damaged")), damaged, "kept as it was");
    assert_eq!(read(&path), whole, "only the garbage was dropped");

    let listed = runs(&site);
    assert_eq!(listed.len(), 1, "the kept copy is no run: {listed:#?}");
    assert_eq!(listed[0]["status"], "succeeded", "{listed:#?}");
    assert!(listed[0].get("damage").is_none(), "{listed:#?}");
    let rolled = run(&site, &["rollback", &id]);
    assert_eq!(rolled.code, 0, "{rolled:?}");
    assert_eq!(rolled.json()["complete"], true, "{rolled:?}");
    assert_eq!(snapshot(&site.sdk).await, before, "{rolled:?}");
}

/// A journal of 0 bytes: `runs` lists it as `damaged` (line 1, no `started` entry), not as an
/// interrupted run that started at `Z`; it belongs to no workflow, so an apply still runs
/// (exit 0, a new run); its rollback is refused (exit 2) naming `switchyard runs forget RUN`
/// without a single request to AWS; `runs forget` off a terminal refuses without `--yes`
/// (exit 2), and with it (exit 0) moves the file to `forgotten/`, after which it is not listed.
#[tokio::test]
async fn an_empty_journal_is_listed_as_damaged_refused_for_rollback_and_forgotten() {
    let site = Site::new().await;
    let id = "20200101T000000.000Z-0000";
    std::fs::create_dir_all(runs_dir(&site)).expect("runs dir");
    std::fs::write(journal(&site, id), "").expect("an empty journal");

    let listed = runs(&site);
    assert_eq!(listed.len(), 1, "{listed:#?}");
    assert_eq!(listed[0]["id"], id, "{listed:#?}");
    assert_eq!(listed[0]["status"], "damaged", "{listed:#?}");
    assert_eq!(listed[0]["damage"]["line"], 1, "{listed:#?}");
    assert!(
        listed[0]["damage"]["reason"]
            .as_str()
            .is_some_and(|r| r.contains("no `started` entry")),
        "{listed:#?}"
    );
    let human = site.emulator.switchyard().dir(site.path()).run(["runs"]);
    assert_eq!(human.code, 0, "{human:?}");
    let row = human
        .stdout
        .lines()
        .find(|l| l.starts_with(id))
        .unwrap_or_else(|| panic!("no row for {id}: {human:?}"));
    assert!(row.contains("damaged") && !row.contains("interrupted"), "{human:?}");
    let columns: Vec<&str> = row.split_whitespace().collect();
    assert_eq!(columns.get(2), Some(&"-"), "no start time, not `Z`: {human:?}");
    assert!(human.stdout.contains("line 1: no `started` entry"), "{human:?}");

    site.clear_log();
    let rollback = run(&site, &["rollback", id]);
    assert_eq!(rollback.code, 2, "{rollback:?}");
    let message = error(&rollback);
    assert!(message.contains(&format!("run {id} is damaged")), "{message}");
    assert!(message.contains(&format!("`switchyard runs forget {id}`")), "{message}");
    assert_eq!(
        site.emulator.requests(),
        Vec::<Value>::new(),
        "nothing was asked of AWS"
    );

    let applied = run(&site, &["apply", "workflow.toml"]);
    assert_eq!(applied.code, 0, "an empty journal blocks no workflow: {applied:?}");
    assert_eq!(applied.json()["resumed"], false, "{applied:?}");

    let asked = run(&site, &["runs", "forget", id]);
    assert_eq!(asked.code, 2, "{asked:?}");
    assert!(error(&asked).contains("pass --yes"), "{asked:?}");
    assert!(journal(&site, id).is_file(), "not forgotten without --yes");
    let forgot = run(&site, &["runs", "forget", id, "--yes"]);
    assert_eq!(forgot.code, 0, "{forgot:?}");
    assert!(
        forgot.json()["moved_to"]
            .as_str()
            .is_some_and(|to| to.ends_with(&format!("forgotten/{id}.jsonl"))),
        "{forgot:?}"
    );
    assert!(runs_dir(&site).join("forgotten").join(format!("{id}.jsonl")).is_file());
    let listed = runs(&site);
    assert_eq!(listed.len(), 1, "only the apply's run: {listed:#?}");
    assert_ne!(listed[0]["id"], id, "{listed:#?}");
    assert_eq!(listed[0]["status"], "succeeded", "{listed:#?}");
}

/// `.switchyard` removed while CloudFront makes the distribution (its answer held): the apply
/// neither goes on unjournaled nor exits 0. Its next change (the bucket policy) is not sent: the
/// maintenance step fails naming the run's journal as removed, later steps do not run, no write
/// reaches the emulator after the held one, and the apply exits 1.
#[tokio::test]
async fn removing_the_runs_folder_during_an_apply_stops_it_before_its_next_change() {
    let site = Site::new().await;
    stall(&site, "CreateDistribution", true);
    let mut apply = Watched::start(
        site.emulator.switchyard().dir(site.path()),
        &["apply", "workflow.toml", "--output", "json"],
    );
    wait_until_held(&site, &mut apply.child, "CreateDistribution");
    let writes = site.emulator.writes().len();
    std::fs::remove_dir_all(site.path().join(".switchyard")).expect("remove .switchyard");
    release(&site);
    let done = apply.finish(Duration::from_secs(120));
    assert_eq!(done.code, 1, "{done:?}");
    let report = done.json();
    assert_eq!(report["ok"], false, "{report:#}");
    let maintenance = step(&report, "maintenance");
    assert_eq!(maintenance["status"], "failed", "{report:#}");
    let message = maintenance["failure"]["message"].as_str().unwrap_or_default();
    assert!(
        message.contains(".switchyard/runs/")
            && message.contains("was removed or replaced while the run was going")
            && message.contains("which was not sent"),
        "{report:#}"
    );
    for later in ["attach", "failover"] {
        assert_eq!(step(&report, later)["status"], "not-run", "{report:#}");
    }
    let after = site.emulator.writes();
    assert_eq!(
        after.len(),
        writes,
        "nothing is sent once the journal is gone: {:#?}",
        &after[writes.min(after.len())..]
    );
}

/// A workflow with one step echoing `value`, in a new folder.
fn echo(value: &str) -> (tempfile::TempDir, PathBuf) {
    workflow(&format!(
        "[workflow]\nname = \"leaky\"\n\n[[step]]\nid = \"probe\"\nplugin = \"{}\"\nwith = {{ action = \"echo\", value = \"{value}\" }}\n",
        guests::MISBEHAVE
    ))
}

/// `${env.AWS_SECRET_ACCESS_KEY}` in a step's `with`, and `${env.TICKET_TOKEN}` once
/// `SWITCHYARD_SECRET_ENV` names it: plan and apply exit 2 at load, naming the file, the field
/// (`step[0] (probe).with.value`) and that it holds a secret, never printing the secret, with
/// no request to the emulator; a variable `SWITCHYARD_SECRET_ENV` does not name still plans.
#[test]
fn a_workflow_reading_a_secret_env_var_is_refused_before_any_request() {
    let emulator = Emulator::start();
    let (_aws_dir, aws_file) = echo("${env.AWS_SECRET_ACCESS_KEY}");
    let (_named_dir, named_file) = echo("${env.TICKET_TOKEN}");
    let secret = "tkt-8c1e5d0b7a9f3e21";
    let named = || {
        emulator
            .switchyard()
            .env("SWITCHYARD_SECRET_ENV", "TICKET_TOKEN")
            .env("TICKET_TOKEN", secret)
            .env("TICKET_ID", "T-1234")
    };
    for command in ["plan", "apply"] {
        for (file, cmd, value, words) in [
            (
                &aws_file,
                emulator.switchyard(),
                "testing-secret-key",
                "AWS_SECRET_ACCESS_KEY holds a secret",
            ),
            (&named_file, named(), secret, "holds a secret"),
        ] {
            let refused = cmd.run([command, file.to_str().expect("utf-8")]);
            assert_eq!(refused.code, 2, "{command}: {refused:?}");
            assert!(
                refused
                    .stderr
                    .contains(&format!("{}: step[0] (probe).with.value: ", file.display())),
                "names the file and the field: {refused:?}"
            );
            assert!(refused.stderr.contains(words), "{words}: {refused:?}");
            assert!(
                !refused.stdout.contains(value) && !refused.stderr.contains(value),
                "{refused:?}"
            );
        }
    }
    assert_eq!(emulator.requests(), Vec::<Value>::new(), "refused before any request");

    // Only the variables named are refused.
    let (_dir, file) = echo("${env.TICKET_ID}");
    let plan = named().run(["plan", file.to_str().expect("utf-8")]);
    assert_eq!(plan.code, 0, "{plan:?}");
}

/// With empty AWS files and no key in the environment, `whoami` exits 2 with the AWS CLI's words
/// and sends nothing: `AWS_PROFILE=ghost` (or `--profile ghost`) is "the config profile (ghost)
/// could not be found"; `AWS_ACCESS_KEY_ID` alone names `AWS_SECRET_ACCESS_KEY` as missing, and
/// the other way round; neither is "unable to locate credentials".
#[test]
fn credential_problems_are_named_as_the_aws_cli_names_them() {
    let emulator = Emulator::start();
    let files = tempfile::tempdir().expect("temp dir");
    let config = files.path().join("config");
    let credentials = files.path().join("credentials");
    std::fs::write(&config, "").expect("config");
    std::fs::write(&credentials, "").expect("credentials");
    let bare = || {
        let mut cmd = emulator
            .switchyard()
            .env("AWS_CONFIG_FILE", &config)
            .env("AWS_SHARED_CREDENTIALS_FILE", &credentials);
        cmd.0
            .env_remove("AWS_ACCESS_KEY_ID")
            .env_remove("AWS_SECRET_ACCESS_KEY");
        cmd
    };
    let cases = [
        (
            bare().env("AWS_PROFILE", "ghost").run(["whoami"]),
            "the config profile (ghost) could not be found",
        ),
        (
            bare().run(["whoami", "--profile", "ghost"]),
            "the config profile (ghost) could not be found",
        ),
        (
            bare().env("AWS_ACCESS_KEY_ID", "testing").run(["whoami"]),
            "partial credentials found in env, missing: AWS_SECRET_ACCESS_KEY",
        ),
        (
            bare()
                .env("AWS_SECRET_ACCESS_KEY", "testing-secret-key")
                .run(["whoami"]),
            "partial credentials found in env, missing: AWS_ACCESS_KEY_ID",
        ),
        (bare().run(["whoami"]), "unable to locate credentials"),
    ];
    for (whoami, words) in cases {
        assert_eq!(whoami.code, 2, "{words}: {whoami:?}");
        assert!(whoami.stderr.contains(words), "{words}: {whoami:?}");
    }
    assert_eq!(emulator.requests(), Vec::<Value>::new(), "nothing was sent");
}

/// A loopback endpoint that accepts connections and never answers (nor closes them), counting
/// them.
struct Hung {
    endpoint: String,
    accepted: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Hung {
    fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.set_nonblocking(true).expect("non-blocking");
        let endpoint = format!("http://{}", listener.local_addr().expect("address"));
        let accepted = Arc::new(AtomicUsize::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let thread = {
            let (accepted, stop) = (Arc::clone(&accepted), Arc::clone(&stop));
            std::thread::spawn(move || {
                // Held open, unanswered, until the endpoint is dropped.
                let mut held = Vec::new();
                while !stop.load(Ordering::SeqCst) {
                    match listener.accept() {
                        Ok((socket, _)) => {
                            accepted.fetch_add(1, Ordering::SeqCst);
                            held.push(socket);
                        }
                        Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                            std::thread::sleep(Duration::from_millis(10));
                        }
                        Err(e) => panic!("accept: {e}"),
                    }
                }
            })
        };
        Self {
            endpoint,
            accepted,
            stop,
            thread: Some(thread),
        }
    }
}

impl Drop for Hung {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Against an endpoint that never answers, `whoami --read-timeout 2` does not hang: it ends
/// (exit 1) after the read timeout on its first try and on one more (at least 4 s, two
/// connections, well within 30 s), saying AWS did not answer within the read timeout and naming
/// `--read-timeout`.
#[test]
fn a_hung_endpoint_ends_whoami_with_a_no_answer_error_after_the_read_timeout() {
    let hung = Hung::start();
    let cmd = switchyard()
        .env("AWS_ENDPOINT_URL", &hung.endpoint)
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing-secret-key")
        .env("AWS_REGION", "us-east-1");
    let started = Instant::now();
    let whoami = Watched::start(cmd, &["--read-timeout", "2", "whoami"]).finish(Duration::from_secs(30));
    let took = started.elapsed();
    assert_eq!(whoami.code, 1, "{whoami:?}");
    assert!(
        whoami.stderr.contains("AWS did not answer within the read timeout")
            && whoami.stderr.contains("--read-timeout"),
        "{whoami:?}"
    );
    assert!(
        took >= Duration::from_secs(4),
        "two tries of 2 s each, took {took:?}: {whoami:?}"
    );
    assert_eq!(
        hung.accepted.load(Ordering::SeqCst),
        2,
        "a read with no answer is tried once more, not until the retries run out: {whoami:?}"
    );
}

/// SIGINT while CloudFront makes the distribution (its answer held past 5 s): the apply says it
/// is still waiting on AWS (after 5 s), then that it stops after the call in flight; once the
/// answer comes it sends nothing more and exits 130, the maintenance step `interrupted`, naming
/// the run and both `switchyard apply workflow.toml` and `switchyard rollback RUN`. `runs` lists
/// the run as interrupted with its distribution applied, and the next apply resumes that run to
/// its end (exit 0) with one of each resource.
#[tokio::test]
async fn ctrl_c_stops_the_apply_after_the_call_in_flight_and_names_how_to_go_on() {
    let site = Site::new().await;
    stall(&site, "CreateDistribution", true);
    let mut apply = Watched::start(
        site.emulator.switchyard().dir(site.path()),
        &["apply", "workflow.toml", "--output", "json"],
    );
    wait_until_held(&site, &mut apply.child, "CreateDistribution");
    apply.wait_for_stderr(
        "still waiting on AWS to create CloudFront distribution for",
        Duration::from_secs(30),
    );
    apply.wait_for_stderr("(5 s)", Duration::from_secs(5));
    let writes = site.emulator.writes().len();
    ctrl_c(&apply.child);
    apply.wait_for_stderr(
        "interrupted: stopping after the call in flight",
        Duration::from_secs(30),
    );
    release(&site);
    let stopped = apply.finish(Duration::from_secs(120));
    assert_eq!(stopped.code, 130, "{stopped:?}");
    let report = stopped.json();
    assert_eq!(report["interrupted"], true, "{report:#}");
    assert_eq!(
        step(&report, "maintenance")["failure"]["code"],
        "interrupted",
        "{report:#}"
    );
    let id = report["run"].as_str().expect("run id").to_owned();
    for words in [
        format!("run {id} was interrupted before its next change"),
        "`switchyard apply workflow.toml` resumes it".to_owned(),
        format!("`switchyard rollback {id}` undoes what it changed"),
    ] {
        assert!(stopped.stderr.contains(&words), "{words}: {stopped:?}");
    }
    assert_eq!(
        site.emulator.writes().len(),
        writes,
        "nothing is sent after the call in flight: {stopped:?}"
    );

    let listed = runs(&site);
    assert_eq!(listed.len(), 1, "{listed:#?}");
    assert_eq!(listed[0]["id"], id.as_str(), "{listed:#?}");
    assert_eq!(listed[0]["status"], "interrupted", "{listed:#?}");
    let made = changes_of(&site, &id, "create-distribution");
    assert_eq!(made.len(), 1, "{made:#?}");
    assert_eq!(
        made[0]["outcome"]["state"], "applied",
        "the call in flight was journaled: {made:#?}"
    );

    let resumed = run(&site, &["apply", "workflow.toml"]);
    assert_eq!(resumed.code, 0, "{resumed:?}");
    let resumed = resumed.json();
    assert_eq!(resumed["resumed"], true, "{resumed:#}");
    assert_eq!(resumed["run"], id.as_str(), "the same run goes on");
    assert_one_of_each(&site).await;
    assert_eq!(runs(&site)[0]["status"], "succeeded");
}

/// SIGINT while a rollback's first undo (the failover records) is held: the rollback stops
/// before its next undo and exits 130 naming `switchyard rollback RUN`; nothing more is sent;
/// `runs` lists the run as `rollback-interrupted`, never as rolled back; the next rollback
/// (exit 0) finishes it and leaves AWS as before the run.
#[tokio::test]
async fn ctrl_c_stops_a_rollback_between_undos_and_the_next_rollback_finishes_it() {
    let site = Site::new().await;
    let before = snapshot(&site.sdk).await;
    let applied = run(&site, &["apply", "workflow.toml"]);
    assert_eq!(applied.code, 0, "{applied:?}");
    let id = applied.json()["run"].as_str().expect("run id").to_owned();

    stall(&site, "ChangeResourceRecordSets", true);
    let mut rollback = Watched::start(
        site.emulator.switchyard().dir(site.path()),
        &["rollback", &id, "--output", "json"],
    );
    wait_until_held(&site, &mut rollback.child, "ChangeResourceRecordSets");
    let writes = site.emulator.writes().len();
    ctrl_c(&rollback.child);
    rollback.wait_for_stderr(
        "interrupted: stopping after the call in flight",
        Duration::from_secs(30),
    );
    release(&site);
    let stopped = rollback.finish(Duration::from_secs(120));
    assert_eq!(stopped.code, 130, "{stopped:?}");
    let report = stopped.json();
    assert_eq!(
        (report["interrupted"].clone(), report["complete"].clone()),
        (json!(true), json!(false)),
        "{report:#}"
    );
    let words = format!(
        "the rollback of run {id} was interrupted before its next undo: `switchyard rollback {id}` finishes it"
    );
    assert!(stopped.stderr.contains(&words), "{stopped:?}");
    assert_eq!(
        site.emulator.writes().len(),
        writes,
        "nothing is sent after the call in flight"
    );
    assert_eq!(runs(&site)[0]["status"], "rollback-interrupted");

    let finished = run(&site, &["rollback", &id]);
    assert_eq!(finished.code, 0, "{finished:?}");
    assert_eq!(finished.json()["complete"], true, "{finished:?}");
    assert_eq!(runs(&site)[0]["status"], "rolled-back");
    assert_eq!(snapshot(&site.sdk).await, before, "{finished:?}");
}

/// What is refused before anything runs exits 2: `plugins inspect nope` (no such built-in),
/// `rollback NO-SUCH-RUN` (naming `switchyard runs`), and a usage error (`apply --frobnicate`);
/// with `--output json` each prints one JSON document, `"ok": false` with the message, on
/// standard output, and the usage error nothing on standard error.
#[test]
fn what_is_refused_before_anything_runs_exits_2_in_both_outputs() {
    let dir = tempfile::tempdir().expect("temp dir");
    let here = || switchyard().dir(dir.path());

    let inspect = here().run(["plugins", "inspect", "nope"]);
    assert_eq!(inspect.code, 2, "{inspect:?}");
    assert!(
        inspect.stderr.contains("no built-in plugin is named `nope`"),
        "{inspect:?}"
    );
    let inspect = here().run(["plugins", "inspect", "nope", "--output", "json"]);
    assert_eq!(inspect.code, 2, "{inspect:?}");
    assert!(
        error(&inspect).contains("no built-in plugin is named `nope`"),
        "{inspect:?}"
    );

    let rollback = here().run(["rollback", "NO-SUCH-RUN"]);
    assert_eq!(rollback.code, 2, "{rollback:?}");
    assert!(rollback.stderr.contains("no run `NO-SUCH-RUN` in"), "{rollback:?}");
    let rollback = here().run(["rollback", "NO-SUCH-RUN", "--output", "json"]);
    assert_eq!(rollback.code, 2, "{rollback:?}");
    let message = error(&rollback);
    assert!(
        message.contains("no run `NO-SUCH-RUN` in") && message.contains("`switchyard runs` lists them"),
        "{message}"
    );

    let usage = here().run(["apply", "--frobnicate", "workflow.toml"]);
    assert_eq!(usage.code, 2, "{usage:?}");
    assert!(usage.stderr.contains("--frobnicate"), "{usage:?}");
    let usage = here().run(["apply", "--frobnicate", "workflow.toml", "--output", "json"]);
    assert_eq!(usage.code, 2, "{usage:?}");
    // `json()` reads the whole of standard output: one document, nothing after it.
    assert!(error(&usage).contains("--frobnicate"), "{usage:?}");
    assert_eq!(usage.stderr, "", "{usage:?}");
}

/// `plan` narrates in the conditional ("would upload …"), never as if it changed anything, and
/// its summary counts the two live A records the failover replaces as deleted; `apply` ends
/// with a Terraform-style total of what it changed, and a second apply changes nothing.
#[tokio::test]
async fn plan_says_would_counts_replaced_records_as_deleted_and_apply_gives_totals() {
    let site = Site::new().await;
    site.clear_log();
    let plan = site
        .emulator
        .switchyard()
        .dir(site.path())
        .run(["plan", "workflow.toml"]);
    assert_eq!(plan.code, 0, "{plan:?}");
    for said in [
        "uploaded IAM server certificate",
        "changes applied",
        "created distribution",
        "is Deployed",
    ] {
        assert!(!plan.stderr.contains(said), "a plan says {said:?}: {plan:?}");
    }
    for said in [
        "would upload IAM server certificate `www-example-com-",
        "would upload maintenance.html to s3://",
        "would create a distribution for www.example.com, example.com",
        "would apply 6 changes",
    ] {
        assert!(plan.stderr.contains(said), "{said:?}: {plan:?}");
    }
    assert!(
        plan.stdout.contains("plan: 12 to create, 0 to update, 2 to delete\n"),
        "{plan:?}"
    );
    assert_eq!(site.emulator.writes().len(), 0, "a plan writes nothing");

    let apply = site
        .emulator
        .switchyard()
        .dir(site.path())
        .run(["apply", "workflow.toml"]);
    assert_eq!(apply.code, 0, "{apply:?}");
    assert!(
        apply.stdout.contains("apply: 12 created, 0 updated, 2 deleted\n"),
        "{apply:?}"
    );
    let again = site
        .emulator
        .switchyard()
        .dir(site.path())
        .run(["apply", "workflow.toml"]);
    assert_eq!(again.code, 0, "{again:?}");
    assert!(
        again.stdout.contains("apply: 0 created, 0 updated, 0 deleted\n"),
        "{again:?}"
    );
}

/// `switchyard ARGS` in the site's folder on a terminal (a pseudo-terminal `script` makes),
/// with `input` typed into it: its exit code and all it printed.
fn on_terminal(site: &Site, args: &str, input: &str) -> (i32, String) {
    let configured = site.emulator.switchyard().0;
    let mut script = Command::new("script");
    for (key, value) in configured.get_envs() {
        match value {
            Some(value) => script.env(key, value),
            None => script.env_remove(key),
        };
    }
    let command = format!("{} {args}", env!("CARGO_BIN_EXE_switchyard"));
    let mut child = script
        .args(["--quiet", "--return", "--command", &command, "/dev/null"])
        .current_dir(site.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("script (util-linux) runs");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input.as_bytes())
        .expect("type");
    let out = child.wait_with_output().expect("ends");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

/// On a terminal, `apply` shows the plan and asks first: "n" applies nothing (exit 1, not one
/// write), "y" applies; `rollback` shows what it would undo and asks the same way. Without a
/// terminal (every other test) neither asks.
#[tokio::test]
async fn on_a_terminal_apply_and_rollback_show_what_they_will_do_and_ask_first() {
    let site = Site::new().await;
    site.clear_log();
    let (code, said) = on_terminal(&site, "apply workflow.toml", "n\n");
    assert_eq!(code, 1, "{said}");
    assert!(
        said.contains("+ create CloudFront distribution for www.example.com, example.com"),
        "{said}"
    );
    assert!(
        said.contains("apply these changes in account 123456789012? [y/N]"),
        "{said}"
    );
    assert!(said.contains("nothing was applied"), "{said}");
    assert_eq!(site.emulator.writes().len(), 0, "{said}");

    let (code, said) = on_terminal(&site, "apply workflow.toml", "y\n");
    assert_eq!(code, 0, "{said}");
    assert!(said.contains("apply: 12 created, 0 updated, 2 deleted"), "{said}");
    let id = runs(&site)[0]["id"].as_str().expect("id").to_owned();

    let writes = site.emulator.writes().len();
    let (code, said) = on_terminal(&site, &format!("rollback {id}"), "no\n");
    assert_eq!(code, 1, "{said}");
    assert!(
        said.contains(&format!("undo run {id} in account 123456789012? [y/N]")),
        "{said}"
    );
    assert!(said.contains("nothing was undone"), "{said}");
    assert_eq!(site.emulator.writes().len(), writes, "{said}");
    let (code, said) = on_terminal(&site, &format!("rollback {id}"), "yes\n");
    assert_eq!(code, 0, "{said}");
    assert_eq!(runs(&site)[0]["status"], "rolled-back", "{said}");
}
