//! Credentials checked before the first call, so that a wrong profile or a half-set
//! environment is named as such (not as a missing region or an unreachable AWS), and
//! remembered as secrets (`secrets`), so that they are never written down.

use aws_credential_types::provider::ProvideCredentials;
use aws_credential_types::provider::error::CredentialsError;
use aws_runtime::env_config::file::EnvConfigFiles;
use aws_types::os_shim_internal::{Env, Fs};

use super::AwsSetupError;

/// Refuses one of `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY` set without the other: the
/// SDK would silently go on to the next provider.
pub(super) fn check_env() -> Result<(), AwsSetupError> {
    let set = |name: &str| std::env::var_os(name).is_some_and(|v| !v.is_empty());
    match (set("AWS_ACCESS_KEY_ID"), set("AWS_SECRET_ACCESS_KEY")) {
        (true, false) => Err(AwsSetupError::PartialEnv("AWS_SECRET_ACCESS_KEY")),
        (false, true) => Err(AwsSetupError::PartialEnv("AWS_ACCESS_KEY_ID")),
        _ => Ok(()),
    }
}

/// Refuses a profile that is in neither AWS file.
pub(super) async fn check_profile(profile: &str) -> Result<(), AwsSetupError> {
    let profiles = aws_config::profile::load(&Fs::real(), &Env::real(), &EnvConfigFiles::default(), None).await;
    match profiles {
        Ok(set) if set.get_profile(profile).is_none() => Err(AwsSetupError::NoProfile(profile.to_owned())),
        // A file that does not parse is the SDK's to report, with its own words.
        _ => Ok(()),
    }
}

/// Resolves the credentials of `config` once, and remembers them as secrets.
pub(super) async fn resolve(config: &aws_config::SdkConfig) -> Result<(), AwsSetupError> {
    let Some(provider) = config.credentials_provider() else {
        return Err(AwsSetupError::NoCredentials);
    };
    match provider.provide_credentials().await {
        Ok(credentials) => {
            crate::secrets::remember(credentials.access_key_id());
            crate::secrets::remember(credentials.secret_access_key());
            if let Some(token) = credentials.session_token() {
                crate::secrets::remember(token);
            }
            Ok(())
        }
        Err(CredentialsError::CredentialsNotLoaded(_)) => Err(AwsSetupError::NoCredentials),
        Err(e) => Err(AwsSetupError::Credentials(crate::secrets::redact(&source_chain(&e)))),
    }
}

/// An error and its sources, as one sentence.
fn source_chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        text.push_str(": ");
        text.push_str(&c.to_string());
        cause = c.source();
    }
    text
}
