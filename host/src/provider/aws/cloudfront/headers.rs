//! Response headers policies: how a distribution adds headers (such as `Retry-After`) to every
//! response, error responses included.

use aws_sdk_cloudfront::types::{
    ResponseHeadersPolicyConfig, ResponseHeadersPolicyCustomHeader, ResponseHeadersPolicyCustomHeadersConfig,
    ResponseHeadersPolicyType,
};

use super::super::{Aws, built, missing, quantity};
use crate::model::Header;
use crate::provider::{HeadersPolicy, Result};

/// The custom policy named `name`, if there is one.
pub(super) async fn find(aws: &Aws, name: &str) -> Result<Option<HeadersPolicy>> {
    let listed = aws
        .read("cloudfront", "ListResponseHeadersPolicies", || {
            aws.cloudfront
                .list_response_headers_policies()
                .r#type(ResponseHeadersPolicyType::Custom)
                .send()
        })
        .await?;
    let found = listed
        .response_headers_policy_list
        .and_then(|l| l.items)
        .unwrap_or_default()
        .into_iter()
        .filter_map(|s| s.response_headers_policy)
        .find(|p| {
            p.response_headers_policy_config
                .as_ref()
                .is_some_and(|c| c.name == name)
        });
    let Some(found) = found else {
        return Ok(None);
    };
    let current = aws
        .read("cloudfront", "GetResponseHeadersPolicy", || {
            aws.cloudfront.get_response_headers_policy().id(&found.id).send()
        })
        .await?;
    Ok(Some(HeadersPolicy {
        headers: found
            .response_headers_policy_config
            .as_ref()
            .map(custom_headers)
            .unwrap_or_default(),
        id: found.id,
        name: name.to_owned(),
        etag: current.e_tag.unwrap_or_default(),
    }))
}

pub(super) async fn create(aws: &Aws, name: &str, headers: &[Header]) -> Result<String> {
    let config = policy_config(name, headers)?;
    let out = aws
        .write("cloudfront", "CreateResponseHeadersPolicy", || {
            aws.cloudfront
                .create_response_headers_policy()
                .response_headers_policy_config(config.clone())
                .send()
        })
        .await?;
    out.response_headers_policy
        .map(|p| p.id)
        .ok_or_else(|| missing("the new response headers policy"))
}

pub(super) async fn update(aws: &Aws, policy: &HeadersPolicy, headers: &[Header]) -> Result<()> {
    let config = policy_config(&policy.name, headers)?;
    aws.write("cloudfront", "UpdateResponseHeadersPolicy", || {
        aws.cloudfront
            .update_response_headers_policy()
            .id(&policy.id)
            .if_match(&policy.etag)
            .response_headers_policy_config(config.clone())
            .send()
    })
    .await?;
    Ok(())
}

pub(super) async fn delete(aws: &Aws, policy: &HeadersPolicy) -> Result<()> {
    aws.write("cloudfront", "DeleteResponseHeadersPolicy", || {
        aws.cloudfront
            .delete_response_headers_policy()
            .id(&policy.id)
            .if_match(&policy.etag)
            .send()
    })
    .await?;
    Ok(())
}

pub(super) fn custom_headers(config: &ResponseHeadersPolicyConfig) -> Vec<Header> {
    let items = config
        .custom_headers_config
        .as_ref()
        .and_then(|c| c.items.clone())
        .unwrap_or_default();
    items.into_iter().map(|h| (h.header, h.value)).collect()
}

fn policy_config(name: &str, headers: &[Header]) -> Result<ResponseHeadersPolicyConfig> {
    let items = headers
        .iter()
        .map(|(header, value)| {
            ResponseHeadersPolicyCustomHeader::builder()
                .header(header)
                .value(value)
                .r#override(true)
                .build()
                .map_err(built)
        })
        .collect::<Result<Vec<_>>>()?;
    let custom = ResponseHeadersPolicyCustomHeadersConfig::builder()
        .quantity(quantity(&items))
        .set_items(Some(items))
        .build()
        .map_err(built)?;
    ResponseHeadersPolicyConfig::builder()
        .name(name)
        .comment("switchyard: headers added to every response")
        .custom_headers_config(custom)
        .build()
        .map_err(built)
}
