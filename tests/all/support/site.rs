//! A site to fail over: an emulator holding the live site's zone and records, and a copy of the
//! example workflow (examples/maintenance-failover.toml) with a fresh certificate.

use std::path::{Path, PathBuf};

use aws_sdk_route53::types::{Change, ChangeAction, ChangeBatch, ResourceRecord, ResourceRecordSet, RrType};
use serde_json::Value;

use super::certs::{LeafSpec, Pki, write};
use super::{Emulator, Run, root};

pub const ORIGIN: &str = "203.0.113.10";

/// An emulator with the live site's zone and records, and a copy of the example workflow with
/// a fresh certificate (its validate step trusting the test PKI's root, `certs/root.pem`).
pub struct Site {
    pub emulator: Emulator,
    pub dir: tempfile::TempDir,
    pub sdk: aws_config::SdkConfig,
    pub zone_id: String,
}

impl Site {
    pub async fn new() -> Self {
        let emulator = Emulator::start();
        let sdk = emulator.sdk().await;
        let r53 = aws_sdk_route53::Client::new(&sdk);
        let zone = r53
            .create_hosted_zone()
            .name("example.com")
            .caller_reference("site")
            .send()
            .await
            .expect("zone");
        let zone_id = zone
            .hosted_zone
            .expect("zone")
            .id
            .trim_start_matches("/hostedzone/")
            .to_owned();
        let record = |name: &str, rr: RrType, value: &str| {
            Change::builder()
                .action(ChangeAction::Create)
                .resource_record_set(
                    ResourceRecordSet::builder()
                        .name(name)
                        .r#type(rr)
                        .ttl(300)
                        .resource_records(ResourceRecord::builder().value(value).build().expect("value"))
                        .build()
                        .expect("record"),
                )
                .build()
                .expect("change")
        };
        let batch = ChangeBatch::builder()
            .changes(record("www.example.com.", RrType::A, ORIGIN))
            .changes(record("example.com.", RrType::A, ORIGIN))
            .changes(record("example.com.", RrType::Txt, "\"v=spf1 -all\""))
            .build()
            .expect("batch");
        r53.change_resource_record_sets()
            .hosted_zone_id(&zone_id)
            .change_batch(batch)
            .send()
            .await
            .expect("records");

        let dir = tempfile::tempdir().expect("temp dir");
        // The test PKI is not one of Mozilla's: the validate step trusts its root.
        let workflow =
            std::fs::read_to_string(root().join("examples/maintenance-failover.toml")).expect("read workflow");
        let validate = "domains = \"${vars.domains}\" }\ngrants = [\"certificates:load:certs/*\"]";
        assert!(workflow.contains(validate), "the example's validate step has changed");
        let trusting = validate.replace("\" }", "\", trust_store = \"certs/root.pem\" }");
        std::fs::write(dir.path().join("workflow.toml"), workflow.replace(validate, &trusting))
            .expect("write workflow");
        std::fs::copy(
            root().join("examples/maintenance.html"),
            dir.path().join("maintenance.html"),
        )
        .expect("copy page");
        std::fs::create_dir(dir.path().join("certs")).expect("certs dir");
        let site = Self {
            emulator,
            dir,
            sdk,
            zone_id,
        };
        site.new_certificate(90);
        site
    }

    /// Writes a new certificate for the site's names, valid for `days`.
    pub fn new_certificate(&self, days: i64) {
        let pki = Pki::new();
        let leaf = pki.leaf(LeafSpec {
            to: days,
            ..LeafSpec::default()
        });
        let certs = self.dir.path().join("certs");
        write(&certs, "site.pem", leaf.pem());
        write(&certs, "site.key", leaf.key_pem());
        write(&certs, "chain.pem", pki.intermediate.pem());
        write(&certs, "root.pem", pki.root.pem());
    }

    pub fn file(&self) -> PathBuf {
        self.dir.path().join("workflow.toml")
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn edit(&self, from: &str, to: &str) {
        let text = std::fs::read_to_string(self.file()).expect("read workflow");
        assert!(text.contains(from), "the workflow has {from:?}");
        std::fs::write(self.file(), text.replace(from, to)).expect("write workflow");
    }

    /// Switches the upload to ACM and keeps only the first two steps (validate, upload): the
    /// certificate's trip into ACM.
    pub fn acm_upload_only(&self) {
        self.edit("store = \"iam\", path = \"/cloudfront/\"", "store = \"acm\"");
        self.edit(
            "\"iam:read\", \"iam:write:/cloudfront/\"",
            "\"acm:read\", \"acm:write\"",
        );
        let text = std::fs::read_to_string(self.file()).expect("read");
        let cut = text.find("[[step]]\nid = \"maintenance\"").expect("maintenance step");
        std::fs::write(self.file(), &text[..cut]).expect("write");
    }

    pub fn switchyard(&self, command: &str) -> Run {
        self.emulator
            .switchyard()
            .run([command, "--output", "json", self.file().to_str().expect("utf-8")])
    }

    pub fn apply(&self) -> Value {
        let run = self.switchyard("apply");
        assert_eq!(run.code, 0, "{run:?}");
        run.json()
    }

    pub fn clear_log(&self) {
        self.emulator.post("/_switchyard/requests/clear", "{}");
    }
}

/// The outputs of step `id` in a run report.
pub fn outputs<'a>(report: &'a Value, id: &str) -> &'a Value {
    let step = report["steps"]
        .as_array()
        .and_then(|s| s.iter().find(|s| s["id"] == id))
        .unwrap_or_else(|| panic!("no step {id}"));
    assert_eq!(step["status"], "succeeded", "{step}");
    &step["outputs"]
}
