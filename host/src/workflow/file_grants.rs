//! File grants (`certificates:load`, `files:read`): they name their files, relative to the
//! workflow's folder and within it, or by an absolute path.

use std::path::Path;

use super::normalise;
use crate::gate::Grant;

/// A file grant (`certificates:load`, `files:read`) names the files it grants, relative to the
/// workflow's folder and within it, or by an absolute path: anchored in `dir`.
pub(super) fn file_grant(grant: Grant, dir: &Path) -> Result<Grant, String> {
    if !crate::files::names_files(grant.capability) {
        return Ok(grant);
    }
    let capability = grant.capability;
    let Some(pattern) = grant.resource.clone() else {
        return Err(format!(
            "`{capability}` must name the files it grants, e.g. `{capability}:certs/*` or \
             `{capability}:maintenance.html`: without one it would grant every file the host can read, \
             its credentials among them"
        ));
    };
    let anchored = anchor_path_grant(grant, dir);
    let inside = anchored
        .resource
        .as_deref()
        .is_some_and(|r| Path::new(r.trim_end_matches('*')).starts_with(dir));
    if !pattern.starts_with('/') && !inside {
        return Err(format!(
            "`{capability}:{pattern}` leaves the workflow's folder: name what is outside it by its absolute path"
        ));
    }
    Ok(anchored)
}

/// A file grant's path is relative to the workflow's directory.
fn anchor_path_grant(grant: Grant, dir: &Path) -> Grant {
    match (&grant.capability, &grant.resource) {
        (capability, Some(pattern)) if crate::files::names_files(*capability) => {
            let star = pattern.ends_with('*');
            let mut anchored = normalise(&dir.join(pattern.trim_end_matches('*')))
                .display()
                .to_string();
            // A folder named with its `/` is a prefix: everything under it.
            if !star && pattern.ends_with('/') && !anchored.ends_with('/') {
                anchored.push('/');
            }
            if star {
                // `*` alone is everything in the folder, not every name that begins with it.
                if (pattern == "*" || pattern.ends_with("/*")) && !anchored.ends_with('/') {
                    anchored.push('/');
                }
                anchored.push('*');
            }
            Grant {
                resource: Some(anchored),
                ..grant
            }
        }
        _ => grant,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grants::Capability;

    fn anchored(pattern: &str) -> String {
        let grant = Grant::new(Capability::FilesRead, Some(pattern.to_owned()));
        anchor_path_grant(grant, Path::new("/srv/site"))
            .resource
            .expect("a resource")
    }

    #[test]
    fn file_grants_are_anchored_in_the_workflow_folder_and_stay_there() {
        assert_eq!(anchored("*"), "/srv/site/*", "not every name beginning with /srv/site");
        assert_eq!(anchored("certs/*"), "/srv/site/certs/*");
        assert_eq!(anchored("page.html"), "/srv/site/page.html");
        assert_eq!(anchored("certs/"), "/srv/site/certs/", "a folder stays a prefix");
        assert_eq!(anchored("/etc/ssl/*"), "/etc/ssl/*");
    }

    #[test]
    fn a_file_grant_names_files_and_a_relative_one_stays_in_the_folder() {
        let check = |text: &str| file_grant(text.parse().expect("a grant"), Path::new("/srv/site"));
        assert_eq!(
            check("files:read:pages/*").expect("granted").resource.as_deref(),
            Some("/srv/site/pages/*")
        );
        assert!(
            check("files:read")
                .expect_err("unnarrowed")
                .contains("must name the files it grants")
        );
        assert!(
            check("certificates:load:../other/*")
                .expect_err("climbs")
                .contains("leaves the workflow's folder")
        );
        assert!(check("certificates:load:/srv/other/*").is_ok(), "named absolutely");
        assert!(check("iam:read").is_ok(), "not a file grant");
    }
}
