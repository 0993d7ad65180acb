//! S3: buckets and objects.

use serde::{Deserialize, Serialize};

/// A bucket.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bucket {
    /// Its name.
    pub name: String,
    /// Its region.
    pub region: String,
    /// Its regional domain name.
    pub domain_name: String,
}

/// An object's metadata.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ObjectInfo {
    /// Its key.
    pub key: String,
    /// Its size in bytes.
    pub size: u64,
    /// The MD5 of its content, lowercase hex.
    pub md5: String,
    /// Its content type.
    pub content_type: String,
}
