//! CloudFront: distributions, origin access controls, response headers policies.

mod config;
mod headers;

use async_trait::async_trait;
use aws_sdk_cloudfront::types::{
    DistributionConfig, OriginAccessControlConfig, OriginAccessControlOriginTypes, OriginAccessControlSigningBehaviors,
    OriginAccessControlSigningProtocols,
};

use self::config::{distribution_of, from_sdk, headers_policy_of, new_config, spec_of, to_sdk};
use super::{Aws, built, missing};
use crate::error::HostError;
use crate::model::{Distribution, DistributionSpec, ViewerCertificate};
use crate::provider::{CloudfrontRead, CloudfrontWrite, Result};

/// The error CloudFront answers while it does not see an IAM server certificate uploaded a
/// moment ago (IAM is eventually consistent).
const NOT_CONSISTENT_YET: &[&str] = &["InvalidViewerCertificate"];

#[async_trait]
impl CloudfrontRead for Aws {
    async fn get_distribution(&self, id: &str) -> Result<Distribution> {
        let out = self
            .read("cloudfront", "GetDistribution", || {
                self.cloudfront.get_distribution().id(id).send()
            })
            .await?;
        out.distribution
            .and_then(|d| distribution_of(d, out.e_tag.unwrap_or_default()))
            .ok_or_else(|| missing("the distribution"))
    }

    async fn list_distributions(&self) -> Result<Vec<Distribution>> {
        let mut all = Vec::new();
        let mut marker: Option<String> = None;
        loop {
            let out = self
                .read("cloudfront", "ListDistributions", || {
                    self.cloudfront.list_distributions().set_marker(marker.clone()).send()
                })
                .await?;
            let Some(list) = out.distribution_list else {
                return Ok(all);
            };
            for s in list.items.unwrap_or_default() {
                all.push(Distribution {
                    aliases: s.aliases.and_then(|a| a.items).unwrap_or_default(),
                    viewer_certificate: from_sdk(s.viewer_certificate.as_ref()),
                    id: s.id,
                    arn: s.arn,
                    domain_name: s.domain_name,
                    status: s.status,
                    enabled: s.enabled,
                    comment: s.comment,
                    etag: String::new(),
                });
            }
            match list.next_marker.filter(|_| list.is_truncated) {
                Some(next) => marker = Some(next),
                None => return Ok(all),
            }
        }
    }

    async fn get_distribution_spec(&self, id: &str) -> Result<(DistributionSpec, String)> {
        let (config, etag) = self.config(id).await?;
        let mut spec = spec_of(&config);
        if let Some(policy) = headers_policy_of(&config) {
            spec.response_headers = self.headers_of(policy).await?;
        }
        Ok((spec, etag))
    }

    async fn find_distribution(&self, caller_reference: &str) -> Result<Option<String>> {
        for d in self.list_distributions().await? {
            if self.config(&d.id).await?.0.caller_reference == caller_reference {
                return Ok(Some(d.id));
            }
        }
        Ok(None)
    }

    async fn find_origin_access_control(&self, name: &str) -> Result<Option<String>> {
        let mut marker: Option<String> = None;
        loop {
            let out = self
                .read("cloudfront", "ListOriginAccessControls", || {
                    self.cloudfront
                        .list_origin_access_controls()
                        .set_marker(marker.clone())
                        .send()
                })
                .await?;
            let Some(list) = out.origin_access_control_list else {
                return Ok(None);
            };
            if let Some(found) = list.items.unwrap_or_default().into_iter().find(|o| o.name == name) {
                return Ok(Some(found.id));
            }
            match list.next_marker.filter(|_| list.is_truncated) {
                Some(next) => marker = Some(next),
                None => return Ok(None),
            }
        }
    }

    async fn find_response_headers_policy(&self, name: &str) -> Result<Option<crate::provider::HeadersPolicy>> {
        headers::find(self, name).await
    }
}

#[async_trait]
impl CloudfrontWrite for Aws {
    async fn create_distribution(&self, spec: &DistributionSpec, headers_policy: Option<&str>) -> Result<Distribution> {
        let config = new_config(spec, headers_policy)?;
        let out = self
            .write_consistent("cloudfront", "CreateDistribution", NOT_CONSISTENT_YET, || {
                self.cloudfront
                    .create_distribution()
                    .distribution_config(config.clone())
                    .send()
            })
            .await?;
        out.distribution
            .and_then(|d| distribution_of(d, out.e_tag.unwrap_or_default()))
            .ok_or_else(|| missing("the new distribution"))
    }

    async fn set_viewer_certificate(
        &self,
        id: &str,
        if_match: &str,
        viewer: &ViewerCertificate,
    ) -> Result<Distribution> {
        let mut config = self.config_at(id, if_match).await?;
        config.viewer_certificate = Some(to_sdk(viewer)?);
        self.update(id, if_match, config).await
    }

    async fn update_distribution(
        &self,
        id: &str,
        if_match: &str,
        spec: &DistributionSpec,
        headers_policy: Option<&str>,
    ) -> Result<Distribution> {
        let config = config::apply(self.config_at(id, if_match).await?, spec, headers_policy)?;
        self.update(id, if_match, config).await
    }

    async fn set_enabled(&self, id: &str, if_match: &str, enabled: bool) -> Result<Distribution> {
        let mut config = self.config_at(id, if_match).await?;
        config.enabled = enabled;
        self.update(id, if_match, config).await
    }

    async fn delete_distribution(&self, id: &str, if_match: &str) -> Result<()> {
        self.write("cloudfront", "DeleteDistribution", || {
            self.cloudfront.delete_distribution().id(id).if_match(if_match).send()
        })
        .await?;
        Ok(())
    }

    async fn create_origin_access_control(&self, name: &str) -> Result<String> {
        let config = OriginAccessControlConfig::builder()
            .name(name)
            .description("switchyard: CloudFront reads the bucket, nobody else")
            .signing_protocol(OriginAccessControlSigningProtocols::Sigv4)
            .signing_behavior(OriginAccessControlSigningBehaviors::Always)
            .origin_access_control_origin_type(OriginAccessControlOriginTypes::S3)
            .build()
            .map_err(built)?;
        let out = self
            .write("cloudfront", "CreateOriginAccessControl", || {
                self.cloudfront
                    .create_origin_access_control()
                    .origin_access_control_config(config.clone())
                    .send()
            })
            .await?;
        out.origin_access_control
            .map(|o| o.id)
            .ok_or_else(|| missing("the origin access control's id"))
    }

    async fn delete_origin_access_control(&self, id: &str) -> Result<()> {
        let current = self
            .read("cloudfront", "GetOriginAccessControl", || {
                self.cloudfront.get_origin_access_control().id(id).send()
            })
            .await?;
        self.write("cloudfront", "DeleteOriginAccessControl", || {
            self.cloudfront
                .delete_origin_access_control()
                .id(id)
                .set_if_match(current.e_tag.clone())
                .send()
        })
        .await?;
        Ok(())
    }

    async fn create_response_headers_policy(&self, name: &str, headers: &[(String, String)]) -> Result<String> {
        headers::create(self, name, headers).await
    }

    async fn update_response_headers_policy(
        &self,
        policy: &crate::provider::HeadersPolicy,
        headers: &[(String, String)],
    ) -> Result<()> {
        headers::update(self, policy, headers).await
    }

    async fn delete_response_headers_policy(&self, policy: &crate::provider::HeadersPolicy) -> Result<()> {
        headers::delete(self, policy).await
    }
}

impl Aws {
    /// A distribution's configuration and its ETag.
    async fn config(&self, id: &str) -> Result<(DistributionConfig, String)> {
        let out = self
            .read("cloudfront", "GetDistributionConfig", || {
                self.cloudfront.get_distribution_config().id(id).send()
            })
            .await?;
        let config = out
            .distribution_config
            .ok_or_else(|| missing("the distribution's config"))?;
        Ok((config, out.e_tag.unwrap_or_default()))
    }

    /// A distribution's configuration, if its ETag is still `if_match`; else a conflict, as
    /// CloudFront would answer the update.
    async fn config_at(&self, id: &str, if_match: &str) -> Result<DistributionConfig> {
        let (config, etag) = self.config(id).await?;
        if etag != if_match {
            return Err(HostError::Conflict(format!(
                "distribution {id} changed since it was read (ETag {if_match} is now {etag}): read it again and retry"
            )));
        }
        Ok(config)
    }

    async fn update(&self, id: &str, if_match: &str, config: DistributionConfig) -> Result<Distribution> {
        let out = self
            .write_consistent("cloudfront", "UpdateDistribution", NOT_CONSISTENT_YET, || {
                self.cloudfront
                    .update_distribution()
                    .id(id)
                    .if_match(if_match)
                    .distribution_config(config.clone())
                    .send()
            })
            .await?;
        out.distribution
            .and_then(|d| distribution_of(d, out.e_tag.unwrap_or_default()))
            .ok_or_else(|| missing("the updated distribution"))
    }

    async fn headers_of(&self, policy_id: &str) -> Result<Vec<(String, String)>> {
        let out = self
            .read("cloudfront", "GetResponseHeadersPolicy", || {
                self.cloudfront.get_response_headers_policy().id(policy_id).send()
            })
            .await?;
        Ok(out
            .response_headers_policy
            .and_then(|p| p.response_headers_policy_config)
            .as_ref()
            .map(headers::custom_headers)
            .unwrap_or_default())
    }
}
