//! Files a step reads are confined to what it was granted (issue 9, item 1): a symbolic link
//! cannot lead a grant elsewhere, and a missing file is named as missing, not as denied; each
//! file field a plugin's schema marks is checked before anything runs.

use std::os::unix::fs::symlink;

use crate::support::Run;
use crate::support::site::Site;

/// Refused before anything runs: exit 2, the message naming the workflow file, the step, the
/// field and `needle`, and not one request to the emulator (not even for the account).
fn assert_refused_before_anything(site: &Site, run: &Run, step: &str, field: &str, needle: &str) {
    assert_eq!(run.code, 2, "{run:?}");
    let json = run.json();
    let error = json["error"].as_str().unwrap_or_default();
    assert!(
        error.starts_with(&format!("{}: step `{step}` (plugin ", site.file().display())),
        "{error}"
    );
    assert!(
        error.contains(&format!("): {field}: ")) && error.contains(needle),
        "{error}"
    );
    assert_eq!(site.emulator.requests().len(), 0, "{:?}", site.emulator.requests());
}

/// The maintenance page as a link to a file outside the workflow's folder, granted as
/// `files:read:maintenance.html`: refused before any step runs (exit 2) naming the link, and
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
    assert_refused_before_anything(
        &site,
        &run,
        "maintenance",
        "with.page",
        "`maintenance.html` is a symbolic link (or is under one) to a file that the step's `files:read` grant does not cover",
    );
}

/// The private key as a link to a key outside the granted `certs/` folder: the upload step's
/// key field is refused before any step runs (the message names the link and the grant).
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
    assert_refused_before_anything(
        &site,
        &run,
        "upload",
        "with.private_key",
        "`certificates:load` grant does not cover",
    );
    assert!(run.stdout.contains("symbolic link"), "{run:?}");
}

/// A mistyped page name is reported before anything runs as a missing file naming the path,
/// not as a denied grant.
#[tokio::test]
async fn a_missing_page_is_named_as_missing() {
    let site = Site::new().await;
    site.edit("page = \"maintenance.html\"", "page = \"maintenance.htm\"");
    site.edit("\"files:read:maintenance.html\"", "\"files:read:maintenance.htm\"");
    site.clear_log();
    let run = site.switchyard("apply");
    assert_refused_before_anything(
        &site,
        &run,
        "maintenance",
        "with.page",
        "no such file: check the path `maintenance.htm`",
    );
    assert!(!run.stdout.contains("denied"), "{run:?}");
}

/// A page the step was not granted is named with the grant to add, before anything runs.
#[tokio::test]
async fn a_page_not_granted_is_refused_with_the_grant_to_add() {
    let site = Site::new().await;
    site.edit("\"files:read:maintenance.html\"", "\"files:read:other.html\"");
    site.clear_log();
    let run = site.switchyard("apply");
    assert_refused_before_anything(
        &site,
        &run,
        "maintenance",
        "with.page",
        "is not granted to the step: add `files:read:",
    );
}
