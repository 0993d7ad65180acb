//! Response headers policies: how a distribution adds headers (such as `Retry-After`) to every
//! response, error responses included.

use aws_sdk_cloudfront::types::{
    ResponseHeadersPolicyConfig, ResponseHeadersPolicyCustomHeader, ResponseHeadersPolicyCustomHeadersConfig,
    ResponseHeadersPolicyType,
};

use crate::aws::Aws;
use crate::error::HostError;
use crate::gate::{Call, Gate};
use crate::journal::Change;
use crate::plan::placeholder;

/// Ensures the custom response headers policy named after `reference` adds exactly `headers`,
/// and returns its id; none when there are no headers. Its writes pass `gate` as `call`.
pub(crate) async fn ensure(
    gate: &mut Gate,
    call: Call<'_>,
    reference: &str,
    headers: &[(String, String)],
) -> Result<Option<String>, HostError> {
    if headers.is_empty() {
        return Ok(None);
    }
    let name = policy_name(reference);
    let config = policy_config(&name, headers)?;
    let existing = gate.call(call, async |aws| find(aws, &name).await).await?;
    match existing {
        None => {
            let change = Change::CreateResponseHeadersPolicy {
                name: name.clone(),
                headers: headers.to_vec(),
            };
            let planned = || Some(placeholder("response headers policy id"));
            gate.write(call, change, planned, async |aws| {
                let out = aws
                    .cloudfront
                    .create_response_headers_policy()
                    .response_headers_policy_config(config)
                    .send()
                    .await
                    .map_err(|e| HostError::from_sdk("cloudfront", e))?;
                let id = out.response_headers_policy.map(|p| p.id).ok_or_else(|| {
                    HostError::Internal("cloudfront CreateResponseHeadersPolicy answered without a policy".into())
                })?;
                Ok((Some(id.clone()), Some(id)))
            })
            .await
        }
        Some(found) if found.headers == headers => Ok(Some(found.id)),
        Some(found) => {
            let change = Change::UpdateResponseHeadersPolicy {
                name: name.clone(),
                before: found.headers,
                after: headers.to_vec(),
            };
            let id = found.id.clone();
            gate.write(
                call,
                change,
                || Some(id.clone()),
                async |aws| {
                    update(aws, &found.id, &found.etag, config).await?;
                    Ok((Some(found.id.clone()), None))
                },
            )
            .await
        }
    }
}

/// A custom response headers policy as found by name.
pub(crate) struct Found {
    /// Its id.
    pub id: String,
    /// Its headers.
    pub headers: Vec<(String, String)>,
    /// Its ETag.
    pub etag: String,
}

/// The custom response headers policy named `name`, if there is one.
pub(crate) async fn find(aws: &Aws, name: &str) -> Result<Option<Found>, HostError> {
    let listed = aws
        .cloudfront
        .list_response_headers_policies()
        .r#type(ResponseHeadersPolicyType::Custom)
        .send()
        .await
        .map_err(|e| HostError::from_sdk("cloudfront", e))?;
    let existing = listed
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
    let Some(existing) = existing else {
        return Ok(None);
    };
    let current = aws
        .cloudfront
        .get_response_headers_policy()
        .id(&existing.id)
        .send()
        .await
        .map_err(|e| HostError::from_sdk("cloudfront", e))?;
    Ok(Some(Found {
        headers: existing
            .response_headers_policy_config
            .as_ref()
            .map(custom_headers)
            .unwrap_or_default(),
        id: existing.id,
        etag: current.e_tag.unwrap_or_default(),
    }))
}

/// Sets the headers of policy `name` (found by name) to `headers`.
pub(crate) async fn restore(aws: &Aws, name: &str, headers: &[(String, String)]) -> Result<(), HostError> {
    let Some(found) = find(aws, name).await? else {
        return Err(HostError::NotFound(format!("response headers policy {name}")));
    };
    if found.headers != headers {
        update(aws, &found.id, &found.etag, policy_config(name, headers)?).await?;
    }
    Ok(())
}

/// Deletes policy `name`, if it exists.
pub(crate) async fn delete(aws: &Aws, name: &str) -> Result<(), HostError> {
    let Some(found) = find(aws, name).await? else {
        return Ok(());
    };
    aws.cloudfront
        .delete_response_headers_policy()
        .id(&found.id)
        .if_match(found.etag)
        .send()
        .await
        .map(drop)
        .map_err(|e| HostError::from_sdk("cloudfront", e))
}

async fn update(aws: &Aws, id: &str, etag: &str, config: ResponseHeadersPolicyConfig) -> Result<(), HostError> {
    aws.cloudfront
        .update_response_headers_policy()
        .id(id)
        .if_match(etag)
        .response_headers_policy_config(config)
        .send()
        .await
        .map(drop)
        .map_err(|e| HostError::from_sdk("cloudfront", e))
}

/// The custom headers of policy `id`.
pub(crate) async fn of(aws: &Aws, id: &str) -> Result<Vec<(String, String)>, HostError> {
    let out = aws
        .cloudfront
        .get_response_headers_policy()
        .id(id)
        .send()
        .await
        .map_err(|e| HostError::from_sdk("cloudfront", e))?;
    Ok(out
        .response_headers_policy
        .and_then(|p| p.response_headers_policy_config)
        .as_ref()
        .map(custom_headers)
        .unwrap_or_default())
}

fn custom_headers(config: &ResponseHeadersPolicyConfig) -> Vec<(String, String)> {
    let items = config
        .custom_headers_config
        .as_ref()
        .and_then(|c| c.items.clone())
        .unwrap_or_default();
    items.into_iter().map(|h| (h.header, h.value)).collect()
}

fn policy_config(name: &str, headers: &[(String, String)]) -> Result<ResponseHeadersPolicyConfig, HostError> {
    let internal = |e: aws_smithy_types::error::operation::BuildError| HostError::Internal(e.to_string());
    let mut items = Vec::with_capacity(headers.len());
    for (header, value) in headers {
        let token = !header.is_empty() && header.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_".contains(&b));
        if !token || value.is_empty() || value.len() > 1783 {
            return Err(HostError::invalid(
                "response-headers",
                "bad-header",
                format!("`{header}: {value}` is not a header CloudFront can add"),
            ));
        }
        items.push(
            ResponseHeadersPolicyCustomHeader::builder()
                .header(header)
                .value(value)
                .r#override(true)
                .build()
                .map_err(internal)?,
        );
    }
    let custom = ResponseHeadersPolicyCustomHeadersConfig::builder()
        .quantity(i32::try_from(items.len()).unwrap_or(i32::MAX))
        .set_items(Some(items))
        .build()
        .map_err(internal)?;
    ResponseHeadersPolicyConfig::builder()
        .name(name)
        .comment("switchyard: headers added to every response")
        .custom_headers_config(custom)
        .build()
        .map_err(internal)
}

/// A policy name from a caller reference: letters, digits, `-` and `_`, at most 128.
pub(crate) fn policy_name(reference: &str) -> String {
    reference
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .take(128)
        .collect()
}
