//! Files a step reads are confined to what it was granted (issue 9, item 1): a symbolic link
//! cannot lead a grant elsewhere, and a missing file is named as missing, not as denied.

use std::os::unix::fs::symlink;

use crate::support::Run;
use crate::support::site::Site;

/// The failure of step `id` in a run report: its code and message.
fn failure(run: &Run, id: &str) -> (String, String) {
    let json = run.json();
    let step = json["steps"]
        .as_array()
        .and_then(|s| s.iter().find(|s| s["id"] == id))
        .unwrap_or_else(|| panic!("no step {id}: {run:?}"));
    let f = &step["failure"];
    (
        f["code"].as_str().unwrap_or_default().to_owned(),
        f["message"].as_str().unwrap_or_default().to_owned(),
    )
}

/// The actions of the writes the emulator saw since the log was cleared.
fn writes(site: &Site) -> Vec<String> {
    site.emulator
        .writes()
        .iter()
        .map(|w| {
            format!(
                "{}:{}",
                w["service"].as_str().unwrap_or("?"),
                w["action"].as_str().unwrap_or("?")
            )
        })
        .collect()
}

/// The maintenance page as a link to a file outside the workflow's folder, granted as
/// `files:read:maintenance.html`: the step is refused (exit 1), the message names the link, and
/// S3 never receives the file.
#[tokio::test]
async fn a_page_linked_out_of_the_folder_is_not_uploaded() {
    let site = Site::new().await;
    let outside = tempfile::tempdir().expect("temp dir");
    std::fs::write(outside.path().join("passwd"), "root:x:0:0:root:/root:/bin/bash\n").expect("write");
    let page = site.path().join("maintenance.html");
    std::fs::remove_file(&page).expect("remove the page");
    symlink(outside.path().join("passwd"), &page).expect("link");
    site.clear_log();
    let run = site.switchyard("apply");
    assert_eq!(run.code, 1, "{run:?}");
    let (code, message) = failure(&run, "maintenance");
    assert_eq!(code, "invalid-input", "{run:?}");
    assert!(
        message.contains("`maintenance.html` is a symbolic link") && message.contains("files:read"),
        "{message}"
    );
    let writes = writes(&site);
    assert!(!writes.iter().any(|w| w == "s3:PutObject"), "{writes:?}");
}

/// The private key as a link to a key outside the granted `certs/` folder: the validate step
/// finds it unreadable (the message names the link and the grant), and nothing is written.
#[tokio::test]
async fn a_key_linked_out_of_the_grant_is_not_read() {
    let site = Site::new().await;
    let elsewhere = site.path().join("elsewhere");
    std::fs::create_dir(&elsewhere).expect("dir");
    let key = site.path().join("certs/site.key");
    std::fs::rename(&key, elsewhere.join("site.key")).expect("move the key");
    symlink(elsewhere.join("site.key"), &key).expect("link");
    site.clear_log();
    let run = site.switchyard("apply");
    assert_eq!(run.code, 1, "{run:?}");
    let (code, message) = failure(&run, "validate");
    assert_eq!(code, "validation-failed", "{run:?}");
    assert!(
        message.contains("symbolic link") && message.contains("certificates:load"),
        "{message}"
    );
    assert_eq!(writes(&site), Vec::<String>::new());
}

/// A mistyped page name is reported as a missing file naming the path, not as a denied grant.
#[tokio::test]
async fn a_missing_page_is_named_as_missing() {
    let site = Site::new().await;
    site.edit("page = \"maintenance.html\"", "page = \"maintenance.htm\"");
    site.edit("\"files:read:maintenance.html\"", "\"files:read:maintenance.htm\"");
    let run = site.switchyard("apply");
    assert_eq!(run.code, 1, "{run:?}");
    let (code, message) = failure(&run, "maintenance");
    assert_eq!(code, "invalid-input", "{run:?}");
    assert!(
        message.contains("no such file") && message.contains("maintenance.htm"),
        "{message}"
    );
    assert!(!message.contains("denied"), "{message}");
}
