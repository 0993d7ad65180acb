//! A step's `limits` table: each limit with its range, defaults from [`Limits::default`].

use std::time::Duration;

use serde::Deserialize;

use crate::runtime::Limits;

/// The `limits` table as written.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct LimitsForm {
    memory_mib: Option<u64>,
    time_seconds: Option<u64>,
    deadline_seconds: Option<u64>,
    host_calls: Option<u64>,
    host_calls_per_second: Option<u64>,
    log_lines: Option<u64>,
    log_kib: Option<u64>,
    output_kib: Option<u64>,
    plugin_mib: Option<u64>,
    compile_seconds: Option<u64>,
}

/// The limits `form` sets, each in its range; a failure is `(field, message)`.
pub(super) fn limits(form: Option<&LimitsForm>) -> Result<Limits, (String, String)> {
    let mut limits = Limits::default();
    let Some(form) = form else { return Ok(limits) };
    const MIB: u64 = 1024 * 1024;
    let size = |n: u64| usize::try_from(n).unwrap_or(usize::MAX);
    let count = |n: u64| u32::try_from(n).unwrap_or(u32::MAX);
    if let Some(mib) = in_range(form.memory_mib, "memory_mib", 1, 4096)? {
        limits.memory = size(mib * MIB);
    }
    if let Some(secs) = in_range(form.time_seconds, "time_seconds", 1, 3600)? {
        limits.time = Duration::from_secs(secs);
    }
    if let Some(secs) = in_range(form.deadline_seconds, "deadline_seconds", 1, 86_400)? {
        limits.deadline = Duration::from_secs(secs);
    }
    if let Some(n) = in_range(form.host_calls, "host_calls", 1, 1_000_000)? {
        limits.host_calls = count(n);
    }
    if let Some(n) = in_range(form.host_calls_per_second, "host_calls_per_second", 1, 10_000)? {
        limits.host_calls_per_second = count(n);
    }
    if let Some(n) = in_range(form.log_lines, "log_lines", 0, 1_000_000)? {
        limits.log_lines = count(n);
    }
    if let Some(kib) = in_range(form.log_kib, "log_kib", 0, 1024 * 1024)? {
        limits.log_bytes = size(kib * 1024);
    }
    if let Some(kib) = in_range(form.output_kib, "output_kib", 1, 1024 * 1024)? {
        limits.output_bytes = size(kib * 1024);
    }
    if let Some(mib) = in_range(form.plugin_mib, "plugin_mib", 1, 1024)? {
        limits.plugin_bytes = mib * MIB;
    }
    if let Some(secs) = in_range(form.compile_seconds, "compile_seconds", 1, 3600)? {
        limits.compile = Duration::from_secs(secs);
    }
    Ok(limits)
}

fn in_range(value: Option<u64>, name: &str, low: u64, high: u64) -> Result<Option<u64>, (String, String)> {
    match value {
        Some(v) if !(low..=high).contains(&v) => Err((
            format!("limits.{name}"),
            format!("{v} is out of range: use {low} to {high}"),
        )),
        other => Ok(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Limits, (String, String)> {
        let form: LimitsForm = toml::from_str(text).expect("a limits table");
        limits(Some(&form))
    }

    #[test]
    fn each_limit_is_set_in_its_unit_and_range() {
        let set = parse("memory_mib = 16\nhost_calls = 100\nlog_lines = 50\nlog_kib = 8\noutput_kib = 2\nplugin_mib = 1\ncompile_seconds = 5")
            .expect("in range");
        assert_eq!(set.memory, 16 << 20);
        assert_eq!(set.host_calls, 100);
        assert_eq!((set.log_lines, set.log_bytes), (50, 8192));
        assert_eq!(set.output_bytes, 2048);
        assert_eq!(set.plugin_bytes, 1 << 20);
        assert_eq!(set.compile, Duration::from_secs(5));
        assert_eq!(set.deadline, Limits::default().deadline, "unset stays default");
        assert_eq!(
            parse("host_calls = 0"),
            Err(("limits.host_calls".into(), "0 is out of range: use 1 to 1000000".into()))
        );
    }
}
