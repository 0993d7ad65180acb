//! `switchyard:step/storage`: S3 buckets and the objects a maintenance site serves.

use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::{BucketLocationConstraint, CreateBucketConfiguration, PublicAccessBlockConfiguration};
use md5::{Digest, Md5};

use crate::aws::Aws;
use crate::bindings::storage::{Bucket, Host, ObjectInfo};
use crate::error::HostError;
use crate::gate::{Call, Capability};
use crate::journal::Change;
use crate::plan::is_placeholder;
use crate::state::StepState;
use crate::workflow::normalise;

/// The largest file `put-file` uploads: a maintenance page, not a data set.
const MAX_FILE: u64 = 10 * 1024 * 1024;

impl Host for StepState {
    async fn ensure_bucket(&mut self, name: String) -> Result<Bucket, HostError> {
        check_bucket_name(&name)?;
        let call = Call::new(Capability::S3Write, "ensure bucket").on(&name);
        let exists = self
            .gate
            .call(call, async |aws| {
                match aws.s3.head_bucket().bucket(&name).send().await {
                    Ok(_) => Ok(true),
                    Err(e) if e.raw_response().is_some_and(|r| r.status().as_u16() == 403) => Err(HostError::Conflict(
                        format!("bucket `{name}` belongs to another account: choose another name"),
                    )),
                    Err(e) => match HostError::from_sdk("s3", e) {
                        HostError::NotFound(_) => Ok(false),
                        other => Err(other),
                    },
                }
            })
            .await?;
        let region = self.gate.region().to_owned();
        let bucket = Bucket {
            domain_name: format!("{name}.s3.{region}.amazonaws.com"),
            name: name.clone(),
            region: region.clone(),
        };
        if !exists {
            let change = Change::CreateBucket { name: name.clone() };
            self.gate
                .write(
                    call,
                    change,
                    || (),
                    async |aws| {
                        create_private_bucket(aws, &name, &region).await?;
                        Ok(((), Some(name.clone())))
                    },
                )
                .await?;
        }
        Ok(bucket)
    }

    async fn head_object(&mut self, bucket: String, key: String) -> Result<Option<ObjectInfo>, HostError> {
        let call = Call::new(Capability::S3Read, "read object metadata").on(&bucket);
        self.gate.call(call, async |aws| head(aws, &bucket, &key).await).await
    }

    async fn put_file(
        &mut self,
        bucket: String,
        key: String,
        path: String,
        content_type: String,
    ) -> Result<(ObjectInfo, bool), HostError> {
        let path = normalise(&self.base_dir.join(&path)).display().to_string();
        self.gate
            .check(Call::new(Capability::FilesRead, "read a file to upload").on(&path))?;
        let body = read_file(&path)?;
        let md5 = hex::encode(Md5::digest(&body));
        let call = Call::new(Capability::S3Write, "upload object").on(&bucket);
        let current = self.gate.call(call, async |aws| head(aws, &bucket, &key).await).await?;
        if let Some(current) = &current
            && current.md5 == md5
            && current.content_type == content_type
        {
            return Ok((current.clone(), false));
        }
        let info = ObjectInfo {
            key: key.clone(),
            size: body.len() as u64,
            md5: md5.clone(),
            content_type: content_type.clone(),
        };
        let change = Change::PutObject {
            bucket: bucket.clone(),
            key: key.clone(),
            md5: md5.clone(),
            replaces: current.map(|c| c.md5),
        };
        self.gate
            .write(
                call,
                change,
                || (info.clone(), true),
                async |aws| {
                    aws.s3
                        .put_object()
                        .bucket(&bucket)
                        .key(&key)
                        .content_type(&content_type)
                        .body(ByteStream::from(body))
                        .send()
                        .await
                        .map_err(|e| HostError::from_sdk("s3", e))?;
                    Ok(((info.clone(), true), None))
                },
            )
            .await
    }

    async fn delete_object(&mut self, bucket: String, key: String) -> Result<(), HostError> {
        let call = Call::new(Capability::S3Write, "delete object").on(&bucket);
        let change = Change::DeleteObject {
            bucket: bucket.clone(),
            key: key.clone(),
        };
        self.gate
            .write(
                call,
                change,
                || (),
                async |aws| {
                    aws.s3
                        .delete_object()
                        .bucket(&bucket)
                        .key(&key)
                        .send()
                        .await
                        .map_err(|e| HostError::from_sdk("s3", e))?;
                    Ok(((), None))
                },
            )
            .await
    }

    async fn delete_bucket(&mut self, name: String) -> Result<(), HostError> {
        let call = Call::new(Capability::S3Write, "delete bucket").on(&name);
        let change = Change::DeleteBucket { name: name.clone() };
        self.gate
            .write(
                call,
                change,
                || (),
                async |aws| {
                    aws.s3
                        .delete_bucket()
                        .bucket(&name)
                        .send()
                        .await
                        .map_err(|e| HostError::from_sdk("s3", e))?;
                    Ok(((), None))
                },
            )
            .await
    }

    async fn allow_distribution_read(&mut self, bucket: String, distribution_arn: String) -> Result<(), HostError> {
        if !distribution_arn.starts_with("arn:aws:cloudfront::") && !is_placeholder(&distribution_arn) {
            return Err(HostError::invalid(
                "distribution-arn",
                "bad-arn",
                format!("`{distribution_arn}` is not a CloudFront distribution ARN"),
            ));
        }
        let policy = read_policy(&bucket, &distribution_arn);
        let call = Call::new(Capability::S3Write, "set bucket policy").on(&bucket);
        let current = self
            .gate
            .call(call, async |aws| bucket_policy(aws, &bucket).await)
            .await?;
        let parse = |text: &str| serde_json::from_str::<serde_json::Value>(text).ok();
        if current
            .as_deref()
            .and_then(parse)
            .is_some_and(|c| Some(c) == parse(&policy))
        {
            return Ok(());
        }
        let change = Change::PutBucketPolicy {
            bucket: bucket.clone(),
            before: current,
            after: policy.clone(),
        };
        self.gate
            .write(
                call,
                change,
                || (),
                async |aws| {
                    put_bucket_policy(aws, &bucket, Some(&policy)).await?;
                    Ok(((), None))
                },
            )
            .await
    }
}

/// The policy of `bucket`, if it has one.
pub(crate) async fn bucket_policy(aws: &Aws, bucket: &str) -> Result<Option<String>, HostError> {
    match aws.s3.get_bucket_policy().bucket(bucket).send().await {
        Ok(out) => Ok(out.policy),
        Err(e) => match HostError::from_sdk("s3", e) {
            HostError::NotFound(_) => Ok(None),
            other => Err(other),
        },
    }
}

/// Sets the policy of `bucket`, or removes it (none).
pub(crate) async fn put_bucket_policy(aws: &Aws, bucket: &str, policy: Option<&str>) -> Result<(), HostError> {
    match policy {
        Some(policy) => aws
            .s3
            .put_bucket_policy()
            .bucket(bucket)
            .policy(policy)
            .send()
            .await
            .map(drop)
            .map_err(|e| HostError::from_sdk("s3", e)),
        None => aws
            .s3
            .delete_bucket_policy()
            .bucket(bucket)
            .send()
            .await
            .map(drop)
            .map_err(|e| HostError::from_sdk("s3", e)),
    }
}

async fn create_private_bucket(aws: &Aws, name: &str, region: &str) -> Result<(), HostError> {
    // us-east-1 is the one region that takes no location constraint.
    let location = (region != "us-east-1").then(|| {
        CreateBucketConfiguration::builder()
            .location_constraint(BucketLocationConstraint::from(region))
            .build()
    });
    aws.s3
        .create_bucket()
        .bucket(name)
        .set_create_bucket_configuration(location)
        .send()
        .await
        .map_err(|e| HostError::from_sdk("s3", e))?;
    block_public_access(aws, name).await
}

/// Blocks every kind of public access to bucket `name`.
pub(crate) async fn block_public_access(aws: &Aws, name: &str) -> Result<(), HostError> {
    let block = PublicAccessBlockConfiguration::builder()
        .block_public_acls(true)
        .ignore_public_acls(true)
        .block_public_policy(true)
        .restrict_public_buckets(true)
        .build();
    aws.s3
        .put_public_access_block()
        .bucket(name)
        .public_access_block_configuration(block)
        .send()
        .await
        .map_err(|e| HostError::from_sdk("s3", e))?;
    Ok(())
}

pub(crate) async fn head(aws: &Aws, bucket: &str, key: &str) -> Result<Option<ObjectInfo>, HostError> {
    match aws.s3.head_object().bucket(bucket).key(key).send().await {
        Ok(out) => Ok(Some(ObjectInfo {
            key: key.to_owned(),
            size: out.content_length.and_then(|n| u64::try_from(n).ok()).unwrap_or(0),
            md5: out.e_tag.unwrap_or_default().trim_matches('"').to_owned(),
            content_type: out.content_type.unwrap_or_default(),
        })),
        Err(e) => match HostError::from_sdk("s3", e) {
            HostError::NotFound(_) => Ok(None),
            other => Err(other),
        },
    }
}

fn read_file(path: &str) -> Result<Vec<u8>, HostError> {
    use std::io::Read;
    let file =
        std::fs::File::open(path).map_err(|e| HostError::invalid(path, "missing", format!("cannot open: {e}")))?;
    let mut body = Vec::new();
    file.take(MAX_FILE + 1)
        .read_to_end(&mut body)
        .map_err(|e| HostError::invalid(path, "unreadable", format!("cannot read: {e}")))?;
    if body.len() as u64 > MAX_FILE {
        return Err(HostError::invalid(
            path,
            "oversized",
            format!("is larger than {} MiB", MAX_FILE / 1024 / 1024),
        ));
    }
    Ok(body)
}

/// The policy letting one distribution (through origin access control) read a bucket's objects.
fn read_policy(bucket: &str, distribution_arn: &str) -> String {
    serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": "AllowCloudFrontRead",
            "Effect": "Allow",
            "Principal": { "Service": "cloudfront.amazonaws.com" },
            "Action": "s3:GetObject",
            "Resource": format!("arn:aws:s3:::{bucket}/*"),
            "Condition": { "StringEquals": { "AWS:SourceArn": distribution_arn } }
        }]
    })
    .to_string()
}

/// S3's rules for bucket names (those that work with CloudFront origins and TLS).
fn check_bucket_name(name: &str) -> Result<(), HostError> {
    let bytes = name.as_bytes();
    let ok = (3..=63).contains(&name.len())
        && bytes
            .iter()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'-')
        && bytes.first().is_some_and(u8::is_ascii_alphanumeric)
        && bytes.last().is_some_and(u8::is_ascii_alphanumeric)
        && !name.starts_with("xn--")
        && !name.ends_with("-s3alias");
    if ok {
        return Ok(());
    }
    Err(HostError::invalid(
        "name",
        "bad-bucket-name",
        format!(
            "`{name}` is not a usable S3 bucket name: 3–63 lowercase letters, digits and `-`, starting and ending with a letter or digit (no dots, so HTTPS works)"
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bucket_names_follow_s3_rules() {
        assert!(check_bucket_name("example-com-maintenance").is_ok());
        for bad in [
            "ab",
            "Example",
            "has.dot",
            "-lead",
            "trail-",
            "xn--punycode",
            &"a".repeat(64),
        ] {
            assert!(check_bucket_name(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_read_policy_names_only_the_distribution() {
        let policy: serde_json::Value =
            serde_json::from_str(&read_policy("b", "arn:aws:cloudfront::1:distribution/E1")).expect("json");
        assert_eq!(policy["Statement"][0]["Resource"], "arn:aws:s3:::b/*");
        assert_eq!(
            policy["Statement"][0]["Condition"]["StringEquals"]["AWS:SourceArn"],
            "arn:aws:cloudfront::1:distribution/E1"
        );
    }
}
