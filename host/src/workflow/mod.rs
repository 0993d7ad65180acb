//! Workflow files: TOML, parsed strictly and checked before anything runs.
//!
//! ```toml
//! [workflow]
//! name = "maintenance-failover"
//! account = "123456789012"   # optional: refuse to run against another account
//! region = "us-east-1"       # optional
//! # scoped_credentials_role = "arn:aws:iam::123456789012:role/switchyard"   # optional
//!
//! [vars]
//! domain = "www.example.com"
//!
//! [[step]]
//! id = "validate"
//! plugin = "validate-cert"   # a built-in name, or a path to a .wasm component
//! with = { certificate = "certs/site.pem", private_key = "certs/site.key", domains = ["${vars.domain}"] }
//! grants = ["certificates:load:certs/*"]
//! ```

pub mod expand;
mod file_grants;
mod limits;

use std::collections::{BTreeMap, HashSet};
use std::path::{Component, Path, PathBuf};

use serde::Deserialize;
use serde_json::Value;

use crate::gate::{Grant, Grants};
use crate::plugins::PluginRef;
use crate::runtime::Limits;
use expand::Scope;

/// A workflow file is unusable: which file, which field, and what to do.
#[derive(Debug, thiserror::Error)]
#[error("{}: {field}: {message}", file.display())]
pub struct WorkflowError {
    /// The workflow file.
    pub file: PathBuf,
    /// The field at fault, e.g. `step[1].grants[0]`.
    pub field: String,
    /// What is wrong and how to fix it.
    pub message: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileForm {
    workflow: HeaderForm,
    #[serde(default)]
    vars: BTreeMap<String, toml::Value>,
    #[serde(default, rename = "step")]
    steps: Vec<StepForm>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct HeaderForm {
    name: String,
    account: Option<String>,
    region: Option<String>,
    scoped_credentials_role: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StepForm {
    id: String,
    plugin: String,
    sha256: Option<String>,
    #[serde(default)]
    with: toml::Table,
    #[serde(default)]
    grants: Vec<String>,
    limits: Option<limits::LimitsForm>,
}

/// A checked workflow.
#[derive(Clone, Debug)]
pub struct Workflow {
    /// The file it came from.
    pub file: PathBuf,
    /// Its name.
    pub name: String,
    /// The only account it may run against.
    pub account: Option<String>,
    /// The region it runs in.
    pub region: Option<String>,
    /// The IAM role whose credentials, narrowed to each step's grants, every step's AWS calls
    /// are signed with (`scoped_credentials_role`, or `--scoped-credentials`); none: the
    /// credentials themselves.
    pub scoped_credentials_role: Option<String>,
    /// Its `[vars]`, with `${env.…}` expanded.
    pub vars: BTreeMap<String, Value>,
    /// Its steps, in order.
    pub steps: Vec<Step>,
}

/// A checked step.
#[derive(Clone, Debug)]
pub struct Step {
    /// Its id.
    pub id: String,
    /// Its plugin.
    pub plugin: PluginRef,
    /// Its input as written; its references are checked, and expanded when it runs.
    pub with: Value,
    /// What it was granted.
    pub grants: Vec<Grant>,
    /// Its limits.
    pub limits: Limits,
}

impl Step {
    /// Its grants, for its gate.
    pub fn grant_set(&self) -> Grants {
        Grants::new(self.grants.clone())
    }
}

impl Workflow {
    /// Reads and checks a workflow file. `env` looks up `${env.X}`.
    pub fn load(file: &Path, env: &dyn Fn(&str) -> Option<String>) -> Result<Self, WorkflowError> {
        let err = |field: &str, message: String| WorkflowError {
            file: file.to_owned(),
            field: field.to_owned(),
            message,
        };
        let text = std::fs::read_to_string(file).map_err(|e| err("file", format!("cannot read: {e}")))?;
        let form: FileForm =
            toml::from_str(&text).map_err(|e| err(&toml_location(&text, &e), e.message().to_owned()))?;
        let dir = folder(file);

        if form.workflow.name.trim().is_empty() {
            return Err(err("workflow.name", "is empty: name the workflow".into()));
        }
        let vars = expand_vars(&form.vars, env).map_err(|(field, message)| err(&field, message))?;
        // The header may name vars and env (`account = "${vars.account}"`), not step outputs.
        let header_scope = LoadScope {
            vars: &vars,
            env,
            earlier: &[],
        };
        let header = |field: &str, value: &Option<String>| -> Result<Option<String>, WorkflowError> {
            let Some(text) = value else { return Ok(None) };
            match expand::expand_str(text, &header_scope) {
                Ok(Value::String(s)) => Ok(Some(s)),
                Ok(other) => Err(err(field, format!("is {other}, not text"))),
                Err(message) => Err(err(field, message)),
            }
        };
        let account = header("workflow.account", &form.workflow.account)?;
        let region = header("workflow.region", &form.workflow.region)?;
        let scoped_credentials_role = header(
            "workflow.scoped_credentials_role",
            &form.workflow.scoped_credentials_role,
        )?;
        if let Some(role) = &scoped_credentials_role {
            crate::provider::aws::scope::RoleArn::parse(role)
                .map_err(|e| err("workflow.scoped_credentials_role", e.to_string()))?;
        }
        if let Some(account) = &account
            && (account.len() != 12 || !account.bytes().all(|b| b.is_ascii_digit()))
        {
            return Err(err(
                "workflow.account",
                format!("`{account}` is not an AWS account id (12 digits, quoted)"),
            ));
        }
        let mut ids: Vec<&str> = Vec::new();
        let mut steps = Vec::new();
        for (i, form) in form.steps.iter().enumerate() {
            let scope = LoadScope {
                vars: &vars,
                env,
                earlier: &ids,
            };
            steps.push(check_step(i, form, &dir, &scope).map_err(|(field, message)| err(&field, message))?);
            ids.push(&form.id);
        }
        if steps.is_empty() {
            return Err(err("step", "the workflow has no steps: add a [[step]] table".into()));
        }
        Ok(Workflow {
            file: file.to_owned(),
            name: form.workflow.name,
            account,
            region,
            scoped_credentials_role,
            vars,
            steps,
        })
    }

    /// The directory relative paths in the workflow are relative to.
    pub fn dir(&self) -> PathBuf {
        folder(&self.file)
    }

    /// The value of a `vars.` or `env.` reference (the text between `${` and `}`); none for a
    /// step's output, which is known only once that step has run.
    pub fn resolve_fixed(&self, reference: &str) -> Option<Result<Value, String>> {
        if let Some(name) = reference.strip_prefix("vars.") {
            return Some(self.vars.get(name).cloned().ok_or_else(|| format!("no var `{name}`")));
        }
        let name = reference.strip_prefix("env.")?;
        Some(if crate::secrets::is_secret_env(name, &|n| std::env::var(n).ok()) {
            Err(format!("{name} holds a secret, which a workflow may not read"))
        } else {
            std::env::var(name)
                .map(Value::String)
                .map_err(|_| format!("the environment variable {name} is not set"))
        })
    }
}

/// Checks step `i` of a workflow file in `dir`: its id (unique among `scope`'s earlier steps),
/// plugin and pin, grants, the references in `with`, limits. A failure is `(field, message)`.
fn check_step(i: usize, s: &StepForm, dir: &Path, scope: &LoadScope<'_>) -> Result<Step, (String, String)> {
    let at = |field: &str| format!("step[{i}] ({}).{field}", s.id);
    if s.id.is_empty()
        || !s
            .id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        return Err((
            format!("step[{i}].id"),
            format!("`{}` is not a step id: use letters, digits, `-` and `_`", s.id),
        ));
    }
    if scope.earlier.contains(&s.id.as_str()) {
        return Err((
            at("id"),
            format!("`{}` is used by an earlier step: step ids are unique", s.id),
        ));
    }
    let plugin = PluginRef::parse(&s.plugin, s.sha256.clone(), dir);
    if s.sha256.is_some() && matches!(plugin, PluginRef::Builtin(_)) {
        return Err((
            at("sha256"),
            "pins a file's digest, but `plugin` names a built-in: remove `sha256`".into(),
        ));
    }
    if let Some(sha) = &s.sha256
        && (sha.len() != 64 || !sha.bytes().all(|b| b.is_ascii_hexdigit()))
    {
        return Err((
            at("sha256"),
            "is not a SHA-256 (64 hex digits): compute it with `sha256sum FILE`".into(),
        ));
    }
    let grants = s
        .grants
        .iter()
        .enumerate()
        .map(|(g, text)| {
            let grant: Grant = text
                .parse()
                .map_err(|e| (at(&format!("grants[{g}]")), format!("{e}")))?;
            file_grants::file_grant(grant, dir).map_err(|message| (at(&format!("grants[{g}]")), message))
        })
        .collect::<Result<Vec<_>, (String, String)>>()?;
    let with = toml_to_json(toml::Value::Table(s.with.clone()));
    expand::expand_value(&with, scope, "with").map_err(|(field, message)| (at(&field), message))?;
    let limits = limits::limits(s.limits.as_ref()).map_err(|(field, message)| (at(&field), message))?;
    Ok(Step {
        id: s.id.clone(),
        plugin,
        with,
        grants,
        limits,
    })
}

/// While loading: checks that vars and env exist and that `steps.<id>` names an earlier step.
struct LoadScope<'a> {
    vars: &'a BTreeMap<String, Value>,
    env: &'a dyn Fn(&str) -> Option<String>,
    earlier: &'a [&'a str],
}

impl Scope for LoadScope<'_> {
    fn resolve(&self, reference: &str) -> Result<Value, String> {
        if let Some(name) = reference.strip_prefix("vars.") {
            return self
                .vars
                .get(name)
                .cloned()
                .ok_or_else(|| format!("`${{{reference}}}`: no var `{name}` in [vars]"));
        }
        if let Some(name) = reference.strip_prefix("env.") {
            if crate::secrets::is_secret_env(name, self.env) {
                return Err(format!(
                    "`${{{reference}}}`: {name} holds a secret, which a workflow may not read (the host \
                     signs AWS calls itself, and what a workflow reads is planned, journaled and may \
                     end up in AWS); remove the reference"
                ));
            }
            return (self.env)(name)
                .map(Value::String)
                .ok_or_else(|| format!("`${{{reference}}}`: the environment variable {name} is not set"));
        }
        if let Some(rest) = reference.strip_prefix("steps.") {
            let id = rest.split('.').next().unwrap_or_default();
            if !rest.contains('.') {
                return Err(format!(
                    "`${{{reference}}}` names no output: write `${{steps.{id}.OUTPUT}}`"
                ));
            }
            if !self.earlier.contains(&id) {
                return Err(format!(
                    "`${{{reference}}}`: no earlier step has id `{id}` (a step reads only the outputs of steps before it)"
                ));
            }
            // Its value is known once that step has run.
            return Ok(Value::String(String::new()));
        }
        Err(format!(
            "`${{{reference}}}`: references start with `vars.`, `env.` or `steps.`"
        ))
    }
}

fn expand_vars(
    vars: &BTreeMap<String, toml::Value>,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<BTreeMap<String, Value>, (String, String)> {
    let empty = BTreeMap::new();
    let scope = LoadScope {
        vars: &empty,
        env,
        earlier: &[],
    };
    vars.iter()
        .map(|(k, v)| {
            Ok::<_, (String, String)>((
                k.clone(),
                expand::expand_value(&toml_to_json(v.clone()), &scope, &format!("vars.{k}"))?,
            ))
        })
        .collect()
}

/// The folder of the workflow file `file`, with every symbolic link in it followed: what file
/// grants and the paths steps read are relative to (`files::resolve` compares resolved paths).
fn folder(file: &Path) -> PathBuf {
    let dir = absolute(file.parent().unwrap_or(Path::new(".")));
    std::fs::canonicalize(&dir).unwrap_or(dir)
}

/// An absolute path without `.` or `..`, worked out lexically.
pub fn normalise(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in absolute(path).components() {
        match part {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

fn absolute(path: &Path) -> PathBuf {
    if path.is_absolute() {
        return path.to_owned();
    }
    std::env::current_dir()
        .map(|cwd| cwd.join(path))
        .unwrap_or_else(|_| path.to_owned())
}

fn toml_to_json(value: toml::Value) -> Value {
    match value {
        toml::Value::String(s) => Value::String(s),
        toml::Value::Integer(i) => Value::from(i),
        toml::Value::Float(f) => Value::from(f),
        toml::Value::Boolean(b) => Value::Bool(b),
        toml::Value::Datetime(d) => Value::String(d.to_string()),
        toml::Value::Array(items) => Value::Array(items.into_iter().map(toml_to_json).collect()),
        toml::Value::Table(t) => Value::Object(t.into_iter().map(|(k, v)| (k, toml_to_json(v))).collect()),
    }
}

/// `line N, column M` of a TOML error, or `file` when it has no place.
fn toml_location(text: &str, e: &toml::de::Error) -> String {
    let Some(span) = e.span() else { return "file".into() };
    let before = &text[..span.start.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.len() - before.rfind('\n').map_or(0, |i| i + 1) + 1;
    format!("line {line}, column {column}")
}

/// The ids of steps a value refers to with `${steps.<id>.…}`.
pub fn step_references(value: &Value) -> HashSet<String> {
    let mut ids = HashSet::new();
    collect_references(value, &mut ids);
    ids
}

fn collect_references(value: &Value, ids: &mut HashSet<String>) {
    match value {
        Value::String(s) => {
            for r in expand::references(s).unwrap_or_default() {
                if let Some(rest) = r.strip_prefix("steps.") {
                    ids.insert(rest.split('.').next().unwrap_or_default().to_owned());
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| collect_references(v, ids)),
        Value::Object(map) => map.values().for_each(|v| collect_references(v, ids)),
        _ => {}
    }
}
