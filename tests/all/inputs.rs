//! Every step's input is checked before anything is written (issue 9, item 3): `with` against
//! the plugin's JSON Schema, `${steps.<id>.<output>}` against the outputs the plugin declares;
//! `switchyard check` makes the same checks offline.

use serde_json::Value;

use crate::support::site::Site;
use crate::support::{Run, switchyard};

/// `apply` refused before anything is sent: exit 2, the error naming the file, the step and
/// the field, and the emulator saw not one request (not even for the account).
fn assert_refused(site: &Site, run: &Run, step: &str, field: &str, said: &str) {
    assert_eq!(run.code, 2, "{run:?}");
    let error = run.json()["error"].as_str().unwrap_or_default().to_owned();
    let head = format!("{}: step `{step}` (plugin ", site.file().display());
    assert!(error.starts_with(&head), "{error}");
    assert!(
        error.contains(&format!("): {field}: ")) && error.contains(said),
        "{error}"
    );
    assert_eq!(site.emulator.requests(), Vec::<Value>::new(), "nothing was sent");
}

/// A string where the failover step (the last) takes a number is refused before the upload,
/// the bucket and the distribution are made.
#[tokio::test]
async fn a_value_of_the_wrong_type_in_the_last_step_is_refused_before_the_first_write() {
    let site = Site::new().await;
    site.edit("port = 443", "port = \"443\"");
    site.clear_log();
    let run = site.switchyard("apply");
    assert_refused(
        &site,
        &run,
        "failover",
        "with.health_check.port",
        "\"443\" is not of type \"integer\"",
    );
}

/// An output the maintenance step's plugin does not declare is refused, naming those it has.
#[tokio::test]
async fn an_output_no_plugin_declares_is_refused_naming_the_outputs_there_are() {
    let site = Site::new().await;
    site.edit(
        "${steps.maintenance.distribution_id}",
        "${steps.maintenance.distribution}",
    );
    site.clear_log();
    let run = site.switchyard("apply");
    assert_refused(
        &site,
        &run,
        "attach",
        "with.distribution_id",
        "`${steps.maintenance.distribution}`: step `maintenance` (plugin maintenance-site) has no output \
         `distribution`; it has `arn`, `bucket`, `changed`, `created`, `distribution_id`, `domain_name`, `page_key`",
    );
}

/// A field the plugin does not take, and a required one left out, are named with the fix.
#[tokio::test]
async fn unknown_and_missing_fields_are_named() {
    let site = Site::new().await;
    site.edit(
        "certificate = \"${steps.upload.id}\"",
        "certificat = \"${steps.upload.id}\"",
    );
    site.clear_log();
    let run = site.switchyard("plan");
    assert_refused(
        &site,
        &run,
        "maintenance",
        "with.certificat",
        "is not a field the plugin takes (it takes ",
    );
    assert!(run.stdout.contains("`certificate`"), "{run:?}");

    site.edit(
        "certificat = \"${steps.upload.id}\"",
        "certificate = \"${steps.upload.id}\"",
    );
    site.edit("page = \"${vars.page}\", ", "");
    site.clear_log();
    let run = site.switchyard("plan");
    assert_refused(
        &site,
        &run,
        "maintenance",
        "with.page",
        "is required but missing: add it",
    );
}

/// `switchyard check` needs no credentials and sends nothing: exit 0 and each step named for
/// the seed workflow; exit 2 and the same message as apply for a bad input.
#[tokio::test]
async fn check_runs_offline_and_refuses_what_apply_would() {
    let site = Site::new().await;
    let file = site.file();
    let file = file.to_str().expect("utf-8");
    let good = switchyard().run(["check", "--output", "json", file]);
    assert_eq!(good.code, 0, "{good:?}");
    let ids: Vec<Value> = good.json()["steps"]
        .as_array()
        .expect("steps")
        .iter()
        .map(|s| s["id"].clone())
        .collect();
    assert_eq!(
        ids,
        ["validate", "upload", "maintenance", "attach", "failover"]
            .map(Value::from)
            .to_vec()
    );

    site.edit("port = 443", "port = \"443\"");
    site.clear_log();
    let bad = switchyard().run(["check", file]);
    assert_eq!(bad.code, 2, "{bad:?}");
    assert!(
        bad.stderr
            .contains("step `failover` (plugin failover): with.health_check.port: \"443\" is not of type \"integer\""),
        "{bad:?}"
    );
    assert_eq!(site.emulator.requests(), Vec::<Value>::new(), "check sends nothing");
}
