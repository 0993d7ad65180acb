//! S3 in memory.

use async_trait::async_trait;
use md5::{Digest, Md5};

use super::{BucketState, Found, Memory, conflict, look, not_found};
use crate::model::ObjectInfo;
use crate::provider::{Result, S3Read, S3Write};

#[async_trait]
impl S3Read for Memory {
    async fn bucket_exists(&self, name: &str) -> Result<bool> {
        let found = look(self.lock().buckets.get(name));
        match found {
            Found::Here(_) => Ok(true),
            Found::Gone => Ok(false),
            Found::Ask => match &self.parent {
                Some(parent) => parent.bucket_exists(name).await,
                None => Ok(false),
            },
        }
    }

    async fn public_access_blocked(&self, name: &str) -> Result<bool> {
        let found = look(self.lock().buckets.get(name));
        match found {
            Found::Here(b) => Ok(b.blocked),
            Found::Gone => Err(not_found("bucket", name)),
            Found::Ask => self.parent_for(name, "bucket")?.public_access_blocked(name).await,
        }
    }

    async fn head_object(&self, bucket: &str, key: &str) -> Result<Option<ObjectInfo>> {
        let created_here = {
            let st = self.lock();
            if let Some(slot) = st.objects.get(&(bucket.to_owned(), key.to_owned())) {
                return Ok(slot.clone());
            }
            st.buckets
                .get(bucket)
                .is_some_and(|b| b.as_ref().is_none_or(|b| b.created_here))
        };
        match &self.parent {
            Some(parent) if !created_here => parent.head_object(bucket, key).await,
            _ => Ok(None),
        }
    }

    async fn get_bucket_policy(&self, bucket: &str) -> Result<Option<String>> {
        let created_here = {
            let st = self.lock();
            if let Some(policy) = st.policies.get(bucket) {
                return Ok(policy.clone());
            }
            match st.buckets.get(bucket) {
                Some(None) => return Err(not_found("bucket", bucket)),
                Some(Some(b)) => b.created_here,
                None => false,
            }
        };
        match &self.parent {
            Some(parent) if !created_here => parent.get_bucket_policy(bucket).await,
            _ if created_here => Ok(None),
            _ => Err(not_found("bucket", bucket)),
        }
    }
}

#[async_trait]
impl S3Write for Memory {
    async fn create_bucket(&self, name: &str, _region: &str) -> Result<()> {
        if self.bucket_exists(name).await? {
            return Err(conflict("BucketAlreadyOwnedByYou", format!("bucket {name} exists")));
        }
        self.lock().buckets.insert(
            name.to_owned(),
            Some(BucketState {
                blocked: false,
                created_here: true,
            }),
        );
        Ok(())
    }

    async fn block_public_access(&self, name: &str) -> Result<()> {
        self.existing(name).await?;
        let mut st = self.lock();
        let created_here = st
            .buckets
            .get(name)
            .and_then(|b| b.as_ref())
            .is_some_and(|b| b.created_here);
        st.buckets.insert(
            name.to_owned(),
            Some(BucketState {
                blocked: true,
                created_here,
            }),
        );
        Ok(())
    }

    async fn put_object(&self, bucket: &str, key: &str, body: &[u8], content_type: &str) -> Result<()> {
        self.existing(bucket).await?;
        let info = ObjectInfo {
            key: key.to_owned(),
            size: body.len() as u64,
            md5: hex::encode(Md5::digest(body)),
            content_type: content_type.to_owned(),
        };
        self.lock()
            .objects
            .insert((bucket.to_owned(), key.to_owned()), Some(info));
        Ok(())
    }

    async fn delete_object(&self, bucket: &str, key: &str) -> Result<()> {
        self.existing(bucket).await?;
        self.lock().objects.insert((bucket.to_owned(), key.to_owned()), None);
        Ok(())
    }

    async fn delete_bucket(&self, name: &str) -> Result<()> {
        self.existing(name).await?;
        let mut st = self.lock();
        if st.objects.iter().any(|((b, _), o)| b == name && o.is_some()) {
            return Err(conflict("BucketNotEmpty", format!("bucket {name} is not empty")));
        }
        st.buckets.insert(name.to_owned(), None);
        st.policies.remove(name);
        Ok(())
    }

    async fn put_bucket_policy(&self, bucket: &str, policy: Option<&str>) -> Result<()> {
        self.existing(bucket).await?;
        self.lock()
            .policies
            .insert(bucket.to_owned(), policy.map(str::to_owned));
        Ok(())
    }
}

impl Memory {
    async fn existing(&self, bucket: &str) -> Result<()> {
        if self.bucket_exists(bucket).await? {
            Ok(())
        } else {
            Err(not_found("NoSuchBucket: bucket", bucket))
        }
    }
}
