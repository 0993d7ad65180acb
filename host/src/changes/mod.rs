//! Every change the host makes to AWS, one type per kind. Each kind knows, side by side in its
//! file, its forward operation ([`Forward::send`]), how it reads for people
//! ([`Kind::action`], [`Kind::resource`], [`Kind::diff`]), how to find what it created after a
//! crash ([`Kind::find_created`]), and the changes that undo it ([`Kind::undo`]) — which are
//! themselves change kinds, sent and journaled through the gate like any other.
//!
//! [`Change`] is every kind, as journaled and planned: `{"kind": "create-bucket", …}`. Never a
//! secret: key material and object bodies ride along in fields that are never serialised.

mod access_control;
mod acm;
mod bucket;
mod diff;
mod distribution;
mod headers;
mod health_check;
mod iam;
mod object;
mod records;
mod viewer;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

pub use self::access_control::{CreateOriginAccessControl, DeleteOriginAccessControl};
pub use self::acm::{DeleteAcmCertificate, ImportCertificate};
pub use self::bucket::{BlockPublicAccess, CreateBucket, DeleteBucket, PutBucketPolicy};
pub use self::diff::{FieldDiff, diff_values};
pub use self::distribution::{CreateDistribution, DeleteDistribution, DisableDistribution, UpdateDistribution};
pub use self::headers::{
    CreateResponseHeadersPolicy, DeleteResponseHeadersPolicy, UpdateResponseHeadersPolicy, policy_name,
};
pub use self::health_check::{CreateHealthCheck, DeleteHealthCheck, UpdateHealthCheck};
pub use self::iam::{DeleteServerCertificate, UploadServerCertificate};
pub use self::object::{DeleteObject, PutObject};
pub use self::records::ChangeRecordSets;
pub use self::viewer::SetViewerCertificate;
use crate::error::HostError;
use crate::provider::{Provider, Reader};
use crate::report::Progress;

/// What kind of change, for people: create, update or delete.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Action {
    /// Something new.
    Create,
    /// Something changes.
    Update,
    /// Something goes.
    Delete,
}

impl Action {
    /// The action's name.
    pub fn name(self) -> &'static str {
        match self {
            Self::Create => "create",
            Self::Update => "update",
            Self::Delete => "delete",
        }
    }
}

/// How many resources changes create, update and delete: a record set another replaces counts
/// as deleted, its replacement as created.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Tally {
    /// Made.
    pub created: usize,
    /// Changed in place.
    pub updated: usize,
    /// Removed.
    pub deleted: usize,
}

impl Tally {
    /// One resource, `action`ed.
    pub fn one(action: Action) -> Self {
        let mut tally = Self::default();
        *match action {
            Action::Create => &mut tally.created,
            Action::Update => &mut tally.updated,
            Action::Delete => &mut tally.deleted,
        } += 1;
        tally
    }
}

impl std::ops::Add for Tally {
    type Output = Self;
    fn add(self, other: Self) -> Self {
        Self {
            created: self.created + other.created,
            updated: self.updated + other.updated,
            deleted: self.deleted + other.deleted,
        }
    }
}

impl std::iter::Sum for Tally {
    fn sum<I: Iterator<Item = Self>>(iter: I) -> Self {
        iter.fold(Self::default(), std::ops::Add::add)
    }
}

impl std::fmt::Display for Tally {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} created, {} updated, {} deleted",
            self.created, self.updated, self.deleted
        )
    }
}

/// Why a change cannot be undone.
#[derive(Debug)]
pub enum NotUndone {
    /// It never can be (what it destroyed is not kept).
    Irreversible(String),
    /// Not now (something still uses what it made); a later rollback tries again.
    Failed(HostError),
}

impl From<HostError> for NotUndone {
    fn from(e: HostError) -> Self {
        Self::Failed(e)
    }
}

/// What a journaled change of any kind can say and do.
#[async_trait]
pub trait Kind: Send + Sync {
    /// Whether it creates, updates or deletes.
    fn action(&self) -> Action;
    /// What it is done to, for people: `S3 bucket example-com-maintenance`.
    fn resource(&self) -> String;
    /// The resources it creates, updates and deletes: one, by its action, unless it changes
    /// several (a batch of record sets).
    fn tally(&self) -> Tally {
        Tally::one(self.action())
    }
    /// The fields that differ, before → after.
    fn diff(&self) -> Vec<FieldDiff> {
        Vec::new()
    }
    /// After a crash, for a change that creates something: `Some(Some(id))` if it exists (with
    /// the id it has), `Some(None)` if it does not; `None` when the kind creates nothing (AWS
    /// cannot tell whether an update took effect; its undo restores either way). `created` is
    /// the id journaled when it was made, if any.
    async fn find_created(
        &self,
        _aws: &dyn Reader,
        _created: Option<&str>,
    ) -> Result<Option<Option<String>>, HostError> {
        Ok(None)
    }
    /// What undoing it does, for people.
    fn undo_text(&self) -> String;
    /// The changes that undo it, given AWS as it is now: none when it is undone already.
    async fn undo(&self, aws: &dyn Reader, created: Option<&str>) -> Result<Vec<Change>, NotUndone>;
}

/// A change the host sends: its forward operation.
#[async_trait]
pub trait Forward: Kind + Clone + Into<Change> {
    /// What the host function gets back.
    type Output: Send;
    /// Makes the change.
    async fn send(&self, aws: &dyn Provider, progress: &Progress) -> Result<Self::Output, HostError>;
    /// The id of what it created, to journal.
    fn created(&self, _output: &Self::Output) -> Option<String> {
        None
    }
}

macro_rules! changes {
    ($($module:ident::$kind:ident),* $(,)?) => {
        /// One change to AWS, of any kind, as journaled and planned.
        #[derive(Clone, Debug, Serialize, Deserialize)]
        #[serde(tag = "kind", rename_all = "kebab-case")]
        pub enum Change {
            $(
                #[doc = concat!("See [`", stringify!($kind), "`].")]
                $kind($module::$kind),
            )*
        }

        $(impl From<$module::$kind> for Change {
            fn from(change: $module::$kind) -> Self {
                Self::$kind(change)
            }
        })*

        impl Change {
            /// The change as its kind.
            pub fn kind(&self) -> &dyn Kind {
                match self {
                    $(Self::$kind(c) => c,)*
                }
            }
        }

        /// Any change can be sent as it was journaled (as rollback does with the changes that
        /// undo others); it gives the id of what it created.
        #[async_trait]
        impl Forward for Change {
            type Output = Option<String>;

            async fn send(&self, aws: &dyn Provider, progress: &Progress) -> Result<Option<String>, HostError> {
                match self {
                    $(Self::$kind(c) => c.send(aws, progress).await.map(|out| c.created(&out)),)*
                }
            }

            fn created(&self, created: &Option<String>) -> Option<String> {
                created.clone()
            }
        }
    };
}

changes! {
    iam::UploadServerCertificate,
    iam::DeleteServerCertificate,
    acm::ImportCertificate,
    acm::DeleteAcmCertificate,
    health_check::CreateHealthCheck,
    health_check::DeleteHealthCheck,
    health_check::UpdateHealthCheck,
    records::ChangeRecordSets,
    bucket::CreateBucket,
    bucket::BlockPublicAccess,
    object::PutObject,
    object::DeleteObject,
    bucket::DeleteBucket,
    bucket::PutBucketPolicy,
    viewer::SetViewerCertificate,
    distribution::CreateDistribution,
    distribution::UpdateDistribution,
    distribution::DisableDistribution,
    distribution::DeleteDistribution,
    access_control::CreateOriginAccessControl,
    access_control::DeleteOriginAccessControl,
    headers::CreateResponseHeadersPolicy,
    headers::UpdateResponseHeadersPolicy,
    headers::DeleteResponseHeadersPolicy,
}

#[async_trait]
impl Kind for Change {
    fn action(&self) -> Action {
        self.kind().action()
    }

    fn resource(&self) -> String {
        self.kind().resource()
    }

    fn diff(&self) -> Vec<FieldDiff> {
        self.kind().diff()
    }

    async fn find_created(&self, aws: &dyn Reader, created: Option<&str>) -> Result<Option<Option<String>>, HostError> {
        self.kind().find_created(aws, created).await
    }

    fn undo_text(&self) -> String {
        self.kind().undo_text()
    }

    async fn undo(&self, aws: &dyn Reader, created: Option<&str>) -> Result<Vec<Change>, NotUndone> {
        self.kind().undo(aws, created).await
    }
}

impl Change {
    /// The change as JSON, the way the journal holds it.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or(serde_json::Value::Null)
    }
}

/// Two changes are the same when the journal would hold the same for both.
impl PartialEq for Change {
    fn eq(&self, other: &Self) -> bool {
        self.to_json() == other.to_json()
    }
}

/// `Err(NotUndone::Irreversible(why))`.
fn irreversible<T>(why: &str) -> Result<T, NotUndone> {
    Err(NotUndone::Irreversible(why.to_owned()))
}

/// The bundle of a deleted certificate (`what`) whose public parts were kept (`body`, `chain`),
/// with its private key found among `key_files` (a rollback's `--key`), to send it again. When
/// none of them holds its key, the undo fails naming `--key`.
fn restore_bundle(
    what: &str,
    body: &str,
    chain: Option<&str>,
    key_files: &[std::path::PathBuf],
) -> Result<std::sync::Arc<crate::certs::Bundle>, NotUndone> {
    match crate::certs::Bundle::restore(body, chain, key_files)? {
        Some(bundle) => Ok(std::sync::Arc::new(bundle)),
        None => Err(NotUndone::Failed(HostError::invalid(
            "--key",
            "key-needed",
            format!(
                "{what} can be sent again only with its private key, which switchyard never keeps: give \
                 the key file with `--key FILE`{}",
                if key_files.is_empty() {
                    ""
                } else {
                    " (no key given is this certificate's)"
                }
            ),
        ))),
    }
}

/// For a creation: the id of what it created, found again when it exists (or `None`).
fn found(id: Option<String>) -> Result<Option<Option<String>>, HostError> {
    Ok(Some(id))
}

#[cfg(test)]
mod tests;
