//! Files a step reads on the host (certificates, keys, trust stores, pages): named relative to
//! the workflow's folder and confined to what the step was granted.
//!
//! The grant is checked twice: on the path as named, so that a plugin learns nothing about a
//! file it was not granted, not even whether it exists; and on the file the path leads to once
//! every symbolic link in it is followed, so that a link cannot reach a file the grant does not
//! cover, in the folder or out of it. Grants are anchored in the workflow's folder; only a grant
//! that names an absolute path reaches outside it. Only regular files are read (a FIFO or a
//! device would block or never end), each up to a size limit.

use std::io::{ErrorKind, Read};
use std::path::{Path, PathBuf};

use crate::error::HostError;
use crate::gate::{Call, Gate};
use crate::grants::Capability;
use crate::workflow::normalise;

/// The file `path` (relative to `base`, the workflow's folder) leads to, once `call`'s
/// capability is granted for both the path as named and the file itself.
pub fn resolve(gate: &Gate, call: Call<'_>, base: &Path, path: &str) -> Result<PathBuf, HostError> {
    let named = normalise(&base.join(path));
    let field = named.display().to_string();
    gate.check(call.on(&field))?;
    let real = std::fs::canonicalize(&named).map_err(|e| match e.kind() {
        ErrorKind::NotFound => HostError::invalid(
            &field,
            "missing",
            format!(
                "no such file: check the path `{path}` (relative paths are relative to the workflow \
                 file's directory)"
            ),
        ),
        _ => HostError::invalid(&field, "unreadable", format!("cannot open: {e}")),
    })?;
    if real != named && gate.check(call.on(&real.display().to_string())).is_err() {
        return Err(HostError::invalid(
            &field,
            "outside-grant",
            format!(
                "`{path}` is a symbolic link (or is under one) to a file that the step's `{}` grant \
                 does not cover: copy the file itself there, or grant the path the link leads to",
                call.capability
            ),
        ));
    }
    let meta =
        std::fs::metadata(&real).map_err(|e| HostError::invalid(&field, "unreadable", format!("cannot open: {e}")))?;
    if !meta.is_file() {
        return Err(HostError::invalid(
            &field,
            "not-a-file",
            format!("`{path}` is not a regular file (a directory, device or pipe): name the file itself"),
        ));
    }
    Ok(real)
}

/// Reads the file `path` (one [`resolve`] gave) whole, refusing one of more than `limit` bytes.
/// Errors name the file as `field`.
///
/// The file is opened without following a link anywhere in its path (`openat2` with
/// `RESOLVE_NO_SYMLINKS`; on kernels before 5.6, in its last component only) and without
/// blocking, and read only if what was opened is a regular file: a path [`resolve`] gave holds no
/// link, so one swapped in afterwards — for the file or a folder above it — is refused, not
/// followed; a FIFO is not waited on.
pub fn read(path: &Path, field: &str, limit: u64) -> Result<Vec<u8>, HostError> {
    let file = open_without_links(path).map_err(|e| match e.kind() {
        ErrorKind::NotFound => HostError::invalid(field, "missing", "no such file: it was removed while the step ran"),
        _ if e.raw_os_error() == Some(libc::ELOOP) => HostError::invalid(
            field,
            "outside-grant",
            "a symbolic link was put in its path after the grant was checked: it is not followed",
        ),
        _ => HostError::invalid(field, "unreadable", format!("cannot open: {e}")),
    })?;
    let regular = file.metadata().is_ok_and(|m| m.is_file());
    if !regular {
        return Err(HostError::invalid(
            field,
            "not-a-file",
            "is no longer a regular file: it was replaced while the step ran",
        ));
    }
    let mut bytes = Vec::new();
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| HostError::invalid(field, "unreadable", format!("cannot read: {e}")))?;
    if bytes.len() as u64 > limit {
        return Err(HostError::invalid(
            field,
            "oversized",
            format!("is larger than {}", size(limit)),
        ));
    }
    Ok(bytes)
}

/// Opens `path` for reading without following any symbolic link in it and without blocking.
#[cfg(target_os = "linux")]
fn open_without_links(path: &Path) -> std::io::Result<std::fs::File> {
    use rustix::fs::{CWD, Mode, OFlags, ResolveFlags, openat2};
    let flags = OFlags::RDONLY | OFlags::NOFOLLOW | OFlags::NONBLOCK | OFlags::CLOEXEC;
    match openat2(CWD, path, flags, Mode::empty(), ResolveFlags::NO_SYMLINKS) {
        Ok(fd) => Ok(std::fs::File::from(fd)),
        // A kernel before 5.6 (ENOSYS), or a sandbox that filters the call (EPERM): the last
        // component is still not followed.
        Err(rustix::io::Errno::NOSYS | rustix::io::Errno::PERM) => open_last_component_not_followed(path),
        Err(e) => Err(e.into()),
    }
}

#[cfg(not(target_os = "linux"))]
fn open_without_links(path: &Path) -> std::io::Result<std::fs::File> {
    open_last_component_not_followed(path)
}

fn open_last_component_not_followed(path: &Path) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
        .open(path)
}

/// `2 MiB`, `64 KiB`, `100 bytes`.
fn size(bytes: u64) -> String {
    match bytes {
        b if b >= 1024 * 1024 && b % (1024 * 1024) == 0 => format!("{} MiB", b / 1024 / 1024),
        b if b >= 1024 && b % 1024 == 0 => format!("{} KiB", b / 1024),
        b => format!("{b} bytes"),
    }
}

/// Capabilities whose grants name files.
pub fn names_files(capability: Capability) -> bool {
    matches!(capability, Capability::CertificatesLoad | Capability::FilesRead)
}

#[cfg(test)]
mod tests {
    use std::os::unix::fs::symlink;

    use super::*;
    use crate::gate::Mode;
    use crate::grants::{Grant, Grants};
    use crate::report::Progress;

    fn gate(grants: &[String]) -> Gate {
        let grants = grants.iter().map(|g| g.parse::<Grant>().expect("a grant")).collect();
        Gate::new("step", Grants::new(grants), Mode::Offline, Progress::default())
    }

    fn reason(r: Result<PathBuf, HostError>) -> String {
        match r {
            Err(HostError::InvalidInput { reason, .. }) => reason.to_owned(),
            Err(HostError::Denied { capability, .. }) => format!("denied {capability}"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_folder_swapped_for_a_link_after_the_check_is_not_followed() {
        let root = tempfile::tempdir().expect("temp dir");
        let base = std::fs::canonicalize(root.path()).expect("canonical");
        std::fs::create_dir_all(base.join("certs")).expect("dirs");
        std::fs::create_dir_all(base.join("elsewhere")).expect("dirs");
        std::fs::write(base.join("certs/site.pem"), "granted").expect("file");
        std::fs::write(base.join("elsewhere/site.pem"), "not granted").expect("file");
        let g = gate(&[format!("certificates:load:{}/certs/*", base.display())]);
        let path = resolve(
            &g,
            Call::new(Capability::CertificatesLoad, "load"),
            &base,
            "certs/site.pem",
        )
        .expect("granted");
        assert_eq!(read(&path, "f", 100).expect("reads"), b"granted");
        // Between the check and the read, the folder becomes a link to another.
        std::fs::rename(base.join("certs"), base.join("certs-old")).expect("rename");
        symlink(base.join("elsewhere"), base.join("certs")).expect("link");
        let err = read(&path, "f", 100).expect_err("the link is not followed");
        assert!(
            matches!(
                err,
                HostError::InvalidInput {
                    reason: "outside-grant",
                    ..
                }
            ),
            "{err:?}"
        );
    }

    #[test]
    fn links_cannot_reach_past_the_grant() {
        let root = tempfile::tempdir().expect("temp dir");
        let base = std::fs::canonicalize(root.path()).expect("canonical").join("site");
        std::fs::create_dir_all(base.join("certs")).expect("dirs");
        std::fs::write(base.join("page.html"), "page").expect("page");
        std::fs::write(base.join("secret.key"), "key").expect("key");
        std::fs::write(root.path().join("outside.txt"), "outside").expect("outside");
        symlink(root.path().join("outside.txt"), base.join("out.html")).expect("link");
        symlink(base.join("secret.key"), base.join("certs/site.key")).expect("link");
        symlink(base.join("page.html"), base.join("certs/page.html")).expect("link");
        let g = gate(&[
            format!("files:read:{}/*", base.display()),
            format!("certificates:load:{}/certs/*", base.display()),
        ]);
        let read = |p: &str| resolve(&g, Call::new(Capability::FilesRead, "read"), &base, p);
        let load = |p: &str| resolve(&g, Call::new(Capability::CertificatesLoad, "load"), &base, p);

        assert_eq!(read("page.html").expect("granted"), base.join("page.html"));
        assert_eq!(reason(read("out.html")), "outside-grant", "a link out of the folder");
        assert_eq!(
            reason(load("certs/site.key")),
            "outside-grant",
            "a link out of the grant"
        );
        assert_eq!(reason(read("nope.html")), "missing");
        assert_eq!(reason(read("certs")), "not-a-file");
        assert_eq!(
            reason(load("../outside.txt")),
            "denied certificates:load",
            "not even named"
        );
        assert_eq!(reason(load("certs/../secret.key")), "denied certificates:load");
        // A link within what is granted is followed.
        assert_eq!(read("certs/page.html").expect("granted"), base.join("page.html"));
    }

    #[test]
    fn reads_are_bounded() {
        let dir = tempfile::tempdir().expect("temp dir");
        let file = dir.path().join("f");
        std::fs::write(&file, vec![b'a'; 2048]).expect("write");
        assert_eq!(read(&file, "f", 2048).expect("at the limit").len(), 2048);
        match read(&file, "f", 1024) {
            Err(HostError::InvalidInput { reason, message, .. }) => {
                assert_eq!((reason, message.as_str()), ("oversized", "is larger than 1 KiB"));
            }
            other => panic!("{other:?}"),
        }
    }
}
