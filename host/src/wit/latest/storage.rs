//! `switchyard:step/storage`: S3 buckets and the objects a maintenance site serves.

use std::sync::Arc;

use md5::{Digest, Md5};

use super::wit::storage::{Bucket, Host, ObjectInfo};
use crate::changes::{BlockPublicAccess, CreateBucket, DeleteBucket, DeleteObject, PutBucketPolicy, PutObject};
use crate::error::HostError;
use crate::files;
use crate::gate::{Call, Capability};
use crate::model::{self, rules};
use crate::state::StepState;
use crate::wit::cast::{Cast, record};

/// The largest file `put-file` uploads: a maintenance page, not a data set.
const MAX_FILE: u64 = 10 * 1024 * 1024;

impl Host for StepState {
    async fn ensure_bucket(&mut self, name: String) -> Result<Bucket, HostError> {
        rules::bucket_name(&name)?;
        let call = Call::new(Capability::S3Write, "ensure bucket").on(&name);
        let exists = self.gate.call(call, async |aws| aws.bucket_exists(&name).await).await?;
        let region = self.gate.region().to_owned();
        if !exists {
            let change = CreateBucket {
                name: name.clone(),
                region: region.clone(),
            };
            self.gate.write(call, change).await?;
        } else if !self
            .gate
            .call(call, async |aws| aws.public_access_blocked(&name).await)
            .await?
        {
            // Opened by hand (or a creation cut short): closed again.
            self.gate
                .write(call, BlockPublicAccess { bucket: name.clone() })
                .await?;
        }
        Ok(Bucket {
            domain_name: format!("{name}.s3.{region}.amazonaws.com"),
            name,
            region,
        })
    }

    async fn head_object(&mut self, bucket: String, key: String) -> Result<Option<ObjectInfo>, HostError> {
        let call = Call::new(Capability::S3Read, "read object metadata").on(&bucket);
        Ok(self
            .gate
            .call(call, async |aws| aws.head_object(&bucket, &key).await)
            .await?
            .cast())
    }

    async fn put_file(
        &mut self,
        bucket: String,
        key: String,
        path: String,
        content_type: String,
    ) -> Result<(ObjectInfo, bool), HostError> {
        let call = Call::new(Capability::FilesRead, "read a file to upload");
        let file = files::resolve(&self.gate, call, &self.base_dir, &path)?;
        let body = files::read(&file, &file.display().to_string(), MAX_FILE)?;
        let md5 = hex::encode(Md5::digest(&body));
        let call = Call::new(Capability::S3Write, "upload object").on(&bucket);
        let current = self
            .gate
            .call(call, async |aws| aws.head_object(&bucket, &key).await)
            .await?;
        if let Some(current) = current
            .as_ref()
            .filter(|c| c.md5 == md5 && c.content_type == content_type)
        {
            return Ok((current.clone().cast(), false));
        }
        let info = ObjectInfo {
            key: key.clone(),
            size: body.len() as u64,
            md5: md5.clone(),
            content_type: content_type.clone(),
        };
        let change = PutObject {
            bucket: bucket.clone(),
            key,
            md5,
            replaces: current.map(|c| c.md5),
            content_type,
            body: Some(Arc::new(body)),
        };
        self.gate.write(call, change).await?;
        Ok((info, true))
    }

    async fn delete_object(&mut self, bucket: String, key: String) -> Result<(), HostError> {
        let call = Call::new(Capability::S3Write, "delete object").on(&bucket);
        let change = DeleteObject {
            bucket: bucket.clone(),
            key,
        };
        self.gate.write(call, change).await
    }

    async fn delete_bucket(&mut self, name: String) -> Result<(), HostError> {
        let call = Call::new(Capability::S3Write, "delete bucket").on(&name);
        self.gate.write(call, DeleteBucket { name: name.clone() }).await
    }

    async fn allow_distribution_read(&mut self, bucket: String, distribution_arn: String) -> Result<(), HostError> {
        let known = self.gate.placeholder_of(&distribution_arn).is_some();
        if !distribution_arn.starts_with("arn:aws:cloudfront::") && !known {
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
            .call(call, async |aws| aws.get_bucket_policy(&bucket).await)
            .await?;
        let parse = |text: &str| serde_json::from_str::<serde_json::Value>(text).ok();
        if current
            .as_deref()
            .and_then(parse)
            .is_some_and(|c| Some(c) == parse(&policy))
        {
            return Ok(());
        }
        let change = PutBucketPolicy {
            bucket: bucket.clone(),
            before: current,
            after: Some(policy),
        };
        self.gate.write(call, change).await
    }
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

record! {
    Bucket = model::Bucket { name, region, domain_name }
    ObjectInfo = model::ObjectInfo { key, size, md5, content_type }
}

#[cfg(test)]
mod tests {
    use super::*;

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
