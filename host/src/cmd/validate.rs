//! `switchyard validate`: runs the built-in `validate-cert` step alone, offline.

use std::fmt::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use serde_json::{Value, json};
use switchyard::gate::{Capability, Grant, Mode};
use switchyard::plugins::PluginRef;
use switchyard::runtime::Limits;
use switchyard::workflow::{Step, normalise};

use super::{FAILED, Global};

/// Check a certificate, its key and chain before uploading them (offline).
///
/// Checks them as strictly as browsers and CloudFront do, the path to a trusted root included
/// (Mozilla's roots, or --trust-store). Exits 1 when any finding is an error, 0 otherwise.
#[derive(Debug, clap::Args)]
#[command(after_long_help = FINDINGS)]
pub struct Validate {
    /// The server certificate (PEM).
    #[arg(long)]
    pub cert: PathBuf,
    /// Its private key (PEM, unencrypted).
    #[arg(long)]
    pub key: PathBuf,
    /// The intermediate chain (PEM), the leaf's issuer first.
    #[arg(long)]
    pub chain: Option<PathBuf>,
    /// A name the certificate must cover; repeat for several.
    #[arg(long = "domain")]
    pub domains: Vec<String>,
    /// Warn when the certificate expires in fewer days than this.
    #[arg(long, default_value_t = 30)]
    pub min_days: u32,
    /// Where the certificate will go.
    #[arg(long, value_parser = ["iam", "acm"], default_value = "iam")]
    pub target: String,
    /// Trust the root certificates of this PEM file instead of Mozilla's (a private PKI).
    #[arg(long, value_name = "FILE")]
    pub trust_store: Option<PathBuf>,
}

/// The findings `validate-cert` reports, for `--help` (plugins/validate-cert/README.md has the
/// rules they follow).
const FINDINGS: &str = "\
Findings (errors first, then warnings):
  unreadable                   error    a file cannot be used: fix it or its path
  encrypted-key                error    decrypt the key: openssl pkey -in KEY -out key-decrypted.pem
  key-mismatch                 error    use the key generated with the certificate's request
  unsupported-key              error    not RSA 1024/2048/3072/4096 or ECDSA P-256: reissue for RSA 2048 or P-256
  weak-key                     error for acm, warning for iam
                                        RSA below 2048 bits: reissue for RSA 2048 or P-256
  malformed-certificate        error    not X.509 v3, an extension twice, unknown critical or unparsable: reissue
  expired                      error    renew the certificate
  not-yet-valid                error    wait, or check the clock
  no-san                       error    names only in the common name: reissue with subject alternative names
  malformed-san                error    the subject alternative names do not parse: reissue
  domain-not-covered           error    get a certificate for the name, or drop --domain
  wrong-eku                    error    not for TLS servers (serverAuth): reissue as a server certificate
  leaf-is-ca                   error    a CA certificate (cA or keyCertSign): use the server certificate
  multiple-certs-in-cert-file  error    only the leaf in --cert, the intermediates in --chain
  self-signed                  error    use a certificate from a public CA
  chain-incomplete             error    add the missing issuer to --chain, first
  bad-signature                error    the issuer's key does not verify the signature: get the right intermediate
  chain-order                  error    reorder --chain as the message says
  intermediate-expired         error    get the current intermediate from the CA
  intermediate-not-yet-valid   error    use the intermediate the CA gives for this certificate
  intermediate-not-ca          error    an intermediate that is not a CA: get the right one
  name-constraint-violation    error    a CA's name constraints exclude a name: get it issued under another CA
  path-length-exceeded         error    a CA's path length is exceeded: get it issued under another CA
  unsupported-signature        error    SHA-1 or another refused signature: reissue with SHA-256 or stronger
  untrusted-root               error    not under a root of Mozilla's (or --trust-store): use a public CA
  expires-soon                 warning  fewer than --min-days left: renew it soon
  chain-includes-root          warning  remove the root from --chain

Exit codes: 0 no error, 1 an error found, 2 bad usage (e.g. an IP address as --domain).";

impl Validate {
    pub async fn execute(self, global: &Global) -> anyhow::Result<ExitCode> {
        let cwd = std::env::current_dir()?;
        let files: Vec<PathBuf> = [
            Some(&self.cert),
            Some(&self.key),
            self.chain.as_ref(),
            self.trust_store.as_ref(),
        ]
        .into_iter()
        .flatten()
        .map(|p| normalise(&cwd.join(p)))
        // Files named on the command line are granted, and so are the files they link to
        // (certbot's `live/` files link into `archive/`).
        .flat_map(|p| {
            let real = std::fs::canonicalize(&p).unwrap_or_else(|_| p.clone());
            [p, real]
        })
        .collect();
        let path = |p: &PathBuf| Value::String(escape(&normalise(&cwd.join(p)).display().to_string()));
        let mut with = json!({
            "certificate": path(&self.cert),
            "private_key": path(&self.key),
            "domains": self.domains.iter().map(|d| escape(d)).collect::<Vec<_>>(),
            "min_days": self.min_days,
            "target": self.target,
        });
        if let Some(chain) = &self.chain {
            with["chain"] = path(chain);
        }
        if let Some(store) = &self.trust_store {
            with["trust_store"] = path(store);
        }
        let step = Step {
            id: "validate".into(),
            plugin: PluginRef::Builtin("validate-cert".into()),
            with,
            grants: files
                .iter()
                .map(|f| Grant::new(Capability::CertificatesLoad, Some(f.display().to_string())))
                .collect(),
            limits: Limits::default(),
        };
        let (validation, _) =
            super::alone::run(global, step, Mode::Offline, String::new(), "validation-failed").await?;
        global.print(&validation, || human(&validation))?;
        let ok = validation.get("ok").and_then(Value::as_bool).unwrap_or(false);
        Ok(if ok { ExitCode::SUCCESS } else { ExitCode::from(FAILED) })
    }
}

/// Keeps a literal `${` from being read as a reference.
fn escape(text: &str) -> String {
    text.replace("${", "$${")
}

fn human(report: &Value) -> String {
    let mut out = String::new();
    if let Some(c) = report.get("certificate") {
        let field = |k: &str| {
            c.get(k)
                .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned))
                .unwrap_or_default()
        };
        let _ = writeln!(out, "certificate  {}", field("subject"));
        let _ = writeln!(out, "issuer       {}", field("issuer"));
        let _ = writeln!(
            out,
            "names        {}",
            c.get("dns_names")
                .and_then(Value::as_array)
                .map(|a| a.iter().filter_map(Value::as_str).collect::<Vec<_>>().join(", "))
                .unwrap_or_default()
        );
        let _ = writeln!(out, "key          {}", field("key"));
        let _ = writeln!(
            out,
            "expires      {} ({} days left)",
            field("not_after"),
            field("days_left")
        );
        let _ = writeln!(out, "sha256       {}", field("sha256_fingerprint"));
        out.push('\n');
    }
    let findings = report
        .get("findings")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let (mut errors, mut warnings) = (0, 0);
    for f in &findings {
        let severity = f.get("severity").and_then(Value::as_str).unwrap_or("error");
        if severity == "error" {
            errors += 1
        } else {
            warnings += 1
        }
        let code = f.get("code").and_then(Value::as_str).unwrap_or("");
        let message = f.get("message").and_then(Value::as_str).unwrap_or("");
        let _ = writeln!(out, "{severity:<8} {code:<28} {message}");
    }
    let _ = writeln!(
        out,
        "{}: {errors} error(s), {warnings} warning(s)",
        if errors == 0 { "ok" } else { "invalid" }
    );
    out
}
