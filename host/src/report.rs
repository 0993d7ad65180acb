//! Where plugin logs and progress go: standard error, tagged with the step id, with progress
//! bars on a terminal. Standard output is kept for results.

use std::collections::HashMap;
use std::io::IsTerminal;
use std::sync::{Arc, Mutex};

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Shows plugin logs and progress. Cheap to clone.
#[derive(Clone)]
pub struct Reporter(Arc<Inner>);

struct Inner {
    level: Option<tracing::Level>,
    bars: Option<MultiProgress>,
    active: Mutex<HashMap<String, ProgressBar>>,
}

impl std::fmt::Debug for Reporter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Reporter")
            .field("level", &self.0.level)
            .finish_non_exhaustive()
    }
}

impl Reporter {
    /// Shows lines at `level` and above (none: nothing at all); draws progress bars only when
    /// stderr is a terminal.
    pub fn new(level: Option<tracing::Level>) -> Self {
        let bars = std::io::stderr()
            .is_terminal()
            .then(|| MultiProgress::with_draw_target(ProgressDrawTarget::stderr()));
        Self(Arc::new(Inner {
            level,
            bars,
            active: Mutex::new(HashMap::new()),
        }))
    }

    /// Writes a log line of step `step`.
    pub fn log(&self, step: &str, level: tracing::Level, message: &str) {
        if self.0.level.is_none_or(|shown| level > shown) {
            return;
        }
        let line = format!("[{step}] {}{}", prefix(level), visible(message));
        match &self.0.bars {
            Some(bars) => bars.suspend(|| eprintln!("{line}")),
            None => eprintln!("{line}"),
        }
    }

    /// Updates the progress of step `step`: a bar on a terminal, else a log line.
    pub fn progress(&self, step: &str, message: &str, done: u64, total: u64) {
        if self.0.level.is_none() {
            return;
        }
        let Some(bars) = &self.0.bars else {
            let of = if total > 0 {
                format!(" ({done}/{total})")
            } else {
                String::new()
            };
            return self.log(step, tracing::Level::INFO, &format!("{message}{of}"));
        };
        let Ok(mut active) = self.0.active.lock() else { return };
        let bar = active.entry(step.to_owned()).or_insert_with(|| {
            let bar = bars.add(ProgressBar::new(total));
            let style = if total > 0 {
                "[{prefix}] {bar:30} {pos}/{len} {msg} ({elapsed})"
            } else {
                "[{prefix}] {spinner} {msg} ({elapsed})"
            };
            if let Ok(style) = ProgressStyle::with_template(style) {
                bar.set_style(style);
            }
            bar.set_prefix(step.to_owned());
            bar
        });
        bar.set_length(total);
        bar.set_position(done);
        bar.set_message(visible(message).into_owned());
        if total > 0 && done >= total {
            bar.finish_and_clear();
            active.remove(step);
        } else {
            bar.tick();
        }
    }

    /// Clears the progress bar of step `step`, if any.
    pub fn finish(&self, step: &str) {
        if let Ok(mut active) = self.0.active.lock()
            && let Some(bar) = active.remove(step)
        {
            bar.finish_and_clear();
        }
    }
}

/// `text` safe to print on a terminal: control characters (newlines, escape sequences, C1
/// controls) and the bidirectional overrides that reorder what is shown are written out
/// visibly (`\n`, `\u{1b}`), so that a plugin's text is one line that cannot forge another
/// step's line, move the cursor or recolour the terminal.
pub fn visible(text: &str) -> std::borrow::Cow<'_, str> {
    let hidden = |c: char| c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}');
    if !text.chars().any(hidden) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if hidden(c) {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

fn prefix(level: tracing::Level) -> &'static str {
    match level {
        tracing::Level::ERROR => "error: ",
        tracing::Level::WARN => "warning: ",
        tracing::Level::DEBUG => "debug: ",
        tracing::Level::TRACE => "trace: ",
        _ => "",
    }
}

/// Where one long host operation (a wait on AWS) reports how it is going: a step's progress
/// line, or nowhere.
#[derive(Clone, Debug, Default)]
pub struct Progress {
    to: Option<(Reporter, String)>,
}

impl Progress {
    /// Progress shown as step `step`'s.
    pub fn of(reporter: &Reporter, step: &str) -> Self {
        Self {
            to: Some((reporter.clone(), step.to_owned())),
        }
    }

    /// Shows `message` (a spinner on a terminal).
    pub fn update(&self, message: &str) {
        if let Some((reporter, step)) = &self.to {
            reporter.progress(step, message, 0, 0);
        }
    }

    /// Runs `work` (a call to AWS), saying after 5 s and then every 15 s that it is still
    /// waiting for `what`, so that a slow answer is never silence.
    pub async fn waiting<T>(&self, what: &str, work: impl std::future::Future<Output = T>) -> T {
        const FIRST: std::time::Duration = std::time::Duration::from_secs(5);
        const EVERY: std::time::Duration = std::time::Duration::from_secs(15);
        let started = tokio::time::Instant::now();
        let mut next = FIRST;
        let mut said = false;
        tokio::pin!(work);
        loop {
            tokio::select! {
                out = &mut work => {
                    if said {
                        self.finish();
                    }
                    return out;
                }
                () = tokio::time::sleep_until(started + next) => {
                    self.update(&format!("still waiting on AWS to {what} ({} s)", started.elapsed().as_secs()));
                    said = true;
                    next += EVERY;
                }
            }
        }
    }

    /// Clears it.
    pub fn finish(&self) {
        if let Some((reporter, step)) = &self.to {
            reporter.finish(step);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::visible;

    #[test]
    fn plugin_text_is_shown_as_one_line_without_escape_sequences() {
        assert_eq!(visible("plain text, ünïcode"), "plain text, ünïcode");
        assert_eq!(
            visible("ok\n[attach] certificate attached"),
            "ok\\n[attach] certificate attached"
        );
        assert_eq!(visible("\u{1b}[31mred\u{1b}[0m\r"), "\\u{1b}[31mred\\u{1b}[0m\\r");
        assert_eq!(visible("a\u{202e}b\u{9b}c"), "a\\u{202e}b\\u{9b}c");
    }
}
