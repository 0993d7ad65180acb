//! S3: buckets, objects, bucket policies.

use async_trait::async_trait;
use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::{BucketLocationConstraint, CreateBucketConfiguration, PublicAccessBlockConfiguration};

use super::Aws;
use crate::error::HostError;
use crate::model::ObjectInfo;
use crate::provider::retry::Call;
use crate::provider::{Result, S3Read, S3Write};

#[async_trait]
impl S3Read for Aws {
    async fn bucket_exists(&self, name: &str) -> Result<bool> {
        self.policy
            .run(Call::Read, "s3 HeadBucket", || async {
                match self.s3.head_bucket().bucket(name).send().await {
                    Ok(_) => Ok(true),
                    Err(e) if e.raw_response().is_some_and(|r| r.status().as_u16() == 403) => Err(HostError::Conflict(
                        format!("bucket `{name}` is not readable with these credentials (403): it belongs to another account (choose another name), or the credentials lack `s3:ListBucket` on it"),
                    )),
                    Err(e) => match super::error::map("s3", e) {
                        HostError::NotFound(_) => Ok(false),
                        other => Err(other),
                    },
                }
            })
            .await
    }

    async fn public_access_blocked(&self, name: &str) -> Result<bool> {
        let out = self
            .read("s3", "GetPublicAccessBlock", || {
                self.s3.get_public_access_block().bucket(name).send()
            })
            .await;
        let config = match out {
            Ok(out) => out.public_access_block_configuration,
            Err(HostError::NotFound(_)) => None,
            Err(e) => return Err(e),
        };
        Ok(config.is_some_and(|c| {
            [
                c.block_public_acls,
                c.ignore_public_acls,
                c.block_public_policy,
                c.restrict_public_buckets,
            ]
            .iter()
            .all(|b| *b == Some(true))
        }))
    }

    async fn head_object(&self, bucket: &str, key: &str) -> Result<Option<ObjectInfo>> {
        let out = self
            .read("s3", "HeadObject", || {
                self.s3.head_object().bucket(bucket).key(key).send()
            })
            .await;
        match out {
            Ok(out) => Ok(Some(ObjectInfo {
                key: key.to_owned(),
                size: out.content_length.and_then(|n| u64::try_from(n).ok()).unwrap_or(0),
                md5: out.e_tag.unwrap_or_default().trim_matches('"').to_owned(),
                content_type: out.content_type.unwrap_or_default(),
            })),
            Err(HostError::NotFound(_)) => Ok(None),
            Err(e) => Err(e),
        }
    }

    async fn get_bucket_policy(&self, bucket: &str) -> Result<Option<String>> {
        match self
            .read("s3", "GetBucketPolicy", || {
                self.s3.get_bucket_policy().bucket(bucket).send()
            })
            .await
        {
            Ok(out) => Ok(out.policy),
            Err(HostError::NotFound(m)) if m.contains("NoSuchBucketPolicy") => Ok(None),
            Err(e) => Err(e),
        }
    }
}

#[async_trait]
impl S3Write for Aws {
    async fn create_bucket(&self, name: &str, region: &str) -> Result<()> {
        // us-east-1 is the one region that takes no location constraint.
        let location = (region != "us-east-1").then(|| {
            CreateBucketConfiguration::builder()
                .location_constraint(BucketLocationConstraint::from(region))
                .build()
        });
        self.write("s3", "CreateBucket", || {
            self.s3
                .create_bucket()
                .bucket(name)
                .set_create_bucket_configuration(location.clone())
                .send()
        })
        .await?;
        Ok(())
    }

    async fn block_public_access(&self, name: &str) -> Result<()> {
        let block = PublicAccessBlockConfiguration::builder()
            .block_public_acls(true)
            .ignore_public_acls(true)
            .block_public_policy(true)
            .restrict_public_buckets(true)
            .build();
        self.write("s3", "PutPublicAccessBlock", || {
            self.s3
                .put_public_access_block()
                .bucket(name)
                .public_access_block_configuration(block.clone())
                .send()
        })
        .await?;
        Ok(())
    }

    async fn put_object(&self, bucket: &str, key: &str, body: &[u8], content_type: &str) -> Result<()> {
        self.write("s3", "PutObject", || {
            self.s3
                .put_object()
                .bucket(bucket)
                .key(key)
                .content_type(content_type)
                .body(ByteStream::from(body.to_vec()))
                .send()
        })
        .await?;
        Ok(())
    }

    async fn delete_object(&self, bucket: &str, key: &str) -> Result<()> {
        self.write("s3", "DeleteObject", || {
            self.s3.delete_object().bucket(bucket).key(key).send()
        })
        .await?;
        Ok(())
    }

    async fn delete_bucket(&self, name: &str) -> Result<()> {
        self.write("s3", "DeleteBucket", || self.s3.delete_bucket().bucket(name).send())
            .await?;
        Ok(())
    }

    async fn put_bucket_policy(&self, bucket: &str, policy: Option<&str>) -> Result<()> {
        match policy {
            Some(policy) => {
                self.write("s3", "PutBucketPolicy", || {
                    self.s3.put_bucket_policy().bucket(bucket).policy(policy).send()
                })
                .await?;
            }
            None => {
                self.write("s3", "DeleteBucketPolicy", || {
                    self.s3.delete_bucket_policy().bucket(bucket).send()
                })
                .await?;
            }
        }
        Ok(())
    }
}
