//! The one retry and backoff policy of every AWS call, and of every wait on AWS.
//!
//! - **Throttling** (`Throttling`, `TooManyRequestsException`, `PriorRequestNotComplete`, …)
//!   is retried for reads and writes alike: AWS did not act on a throttled request.
//! - **Transient failures** (a 5xx answer, a connection that failed before the request was
//!   sent) are retried for reads only: a write whose answer was lost may have been made, and
//!   the journal, not a blind retry, settles that. A read AWS did not answer within the read
//!   timeout is tried once more only: a hung endpoint would multiply the wait.
//! - **Eventual consistency**: a caller that knows AWS may not see something yet (CloudFront
//!   refusing an IAM certificate uploaded a moment ago) asks for [`Policy::until_consistent`].
//! - **Waits** ([`poll`]) use the same backoff, capped, within a budget.
//!
//! The SDK's own retries are turned off ([`Policy::sdk_config`]) so that this is the only one.
//! Backoff is [`backon`]'s exponential builder with jitter.

use std::future::Future;
use std::time::Duration;

use backon::{BackoffBuilder, ExponentialBuilder, Retryable};
use tokio::time::Instant;

use crate::error::HostError;

/// Whether a call changes anything: writes are retried only when AWS surely did not act.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Call {
    /// A read: any transient failure is retried.
    Read,
    /// A write: only throttling is retried.
    Write,
}

/// How often and how long to retry.
#[derive(Clone, Copy, Debug)]
pub struct Policy {
    /// Attempts after the first.
    pub retries: usize,
    /// The first pause.
    pub first: Duration,
    /// The longest pause.
    pub longest: Duration,
}

impl Default for Policy {
    fn default() -> Self {
        Self {
            retries: 5,
            first: Duration::from_millis(200),
            longest: Duration::from_secs(10),
        }
    }
}

impl Policy {
    fn backoff(self) -> ExponentialBuilder {
        ExponentialBuilder::default()
            .with_min_delay(self.first)
            .with_max_delay(self.longest)
            .with_factor(2.0)
            .with_jitter()
            .with_max_times(self.retries)
    }

    /// Runs `send` until it succeeds, fails in a way not worth retrying, or the retries are
    /// spent; then returns its last result.
    pub async fn run<T, F, Fut>(self, call: Call, what: &str, send: F) -> Result<T, HostError>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, HostError>>,
    {
        let mut unanswered = 0;
        send.retry(self.backoff())
            .when(|e: &HostError| {
                if matches!(e, HostError::NoAnswer(_)) {
                    unanswered += 1;
                    return call == Call::Read && unanswered == 1;
                }
                retryable(call, e)
            })
            .notify(|e: &HostError, pause: Duration| {
                tracing::info!("{what}: {e}; retrying in {} ms", pause.as_millis());
            })
            .await
    }

    /// Runs `send`, also retrying for a while when it fails with one of the AWS error `codes`
    /// that mean AWS does not see yet what was just made elsewhere.
    pub async fn until_consistent<T, F, Fut>(self, what: &str, codes: &[&str], send: F) -> Result<T, HostError>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, HostError>>,
    {
        send.retry(self.backoff())
            .when(|e: &HostError| {
                retryable(Call::Write, e) || matches!(e, HostError::Aws { code, .. } if codes.contains(&code.as_str()))
            })
            .notify(|e: &HostError, pause: Duration| {
                tracing::info!(
                    "{what}: {e}; AWS may not see it yet, retrying in {} ms",
                    pause.as_millis()
                );
            })
            .await
    }

    /// The SDK's retry configuration: none, so that this policy is the only one.
    pub fn sdk_config() -> aws_config::retry::RetryConfig {
        aws_config::retry::RetryConfig::disabled()
    }
}

/// Whether `err` is worth another try for a call of kind `call`.
pub fn retryable(call: Call, err: &HostError) -> bool {
    match err {
        HostError::Throttled(_) => true,
        HostError::Transient(_) => call == Call::Read,
        _ => false,
    }
}

/// Asks `check` until it gives a value, pausing between asks with the policy's backoff (without
/// a limit on the number of asks), for at most `budget`; then fails with `timed-out`, naming
/// `what` and the last state `check` reported.
pub async fn poll<T, F, Fut>(budget: Duration, longest: Duration, what: &str, mut check: F) -> Result<T, HostError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<Polled<T>, HostError>>,
{
    let started = Instant::now();
    let mut pauses = Policy {
        retries: usize::MAX,
        first: Duration::from_secs(1),
        longest,
    }
    .backoff()
    .without_max_times()
    .build();
    loop {
        crate::interrupt::check()?;
        let state = match check().await? {
            Polled::Done(value) => return Ok(value),
            Polled::Pending(state) => state,
        };
        let waited = started.elapsed();
        if waited >= budget {
            return Err(HostError::TimedOut(format!(
                "{what} was still {state} after {} s",
                waited.as_secs()
            )));
        }
        let pause = pauses.next().unwrap_or(longest).min(budget - waited);
        tokio::time::sleep(pause).await;
    }
}

/// What one ask of [`poll`] found.
#[derive(Debug)]
pub enum Polled<T> {
    /// The wait is over.
    Done(T),
    /// Not yet: the state seen, for the message if the budget runs out.
    Pending(String),
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    fn quick() -> Policy {
        Policy {
            retries: 3,
            first: Duration::from_millis(100),
            longest: Duration::from_secs(1),
        }
    }

    #[tokio::test(start_paused = true)]
    async fn throttling_is_retried_with_backoff_then_succeeds() {
        let tries = AtomicUsize::new(0);
        let started = tokio::time::Instant::now();
        let result = quick()
            .run(Call::Write, "upload", || async {
                match tries.fetch_add(1, Ordering::SeqCst) {
                    0 | 1 => Err(HostError::Throttled("iam Throttling: Rate exceeded".into())),
                    _ => Ok("done"),
                }
            })
            .await;
        assert_eq!(result.expect("third try"), "done");
        assert_eq!(tries.load(Ordering::SeqCst), 3);
        // Two pauses of at least 100 ms and 200 ms (jitter only adds).
        assert!(
            started.elapsed() >= Duration::from_millis(300),
            "{:?}",
            started.elapsed()
        );
    }

    #[tokio::test(start_paused = true)]
    async fn retries_are_bounded_and_the_last_error_is_returned() {
        let tries = AtomicUsize::new(0);
        let err = quick()
            .run(Call::Read, "list", || async {
                tries.fetch_add(1, Ordering::SeqCst);
                Err::<(), _>(HostError::Throttled("slow down".into()))
            })
            .await
            .expect_err("gives up");
        assert!(matches!(err, HostError::Throttled(_)));
        assert_eq!(tries.load(Ordering::SeqCst), 4, "the first try and 3 retries");
    }

    #[tokio::test(start_paused = true)]
    async fn a_transient_failure_is_retried_for_reads_only() {
        for (call, expected) in [(Call::Read, 2), (Call::Write, 1)] {
            let tries = AtomicUsize::new(0);
            let _ = quick()
                .run(call, "x", || async {
                    match tries.fetch_add(1, Ordering::SeqCst) {
                        0 => Err(HostError::Transient("cloudfront: 503 ServiceUnavailable".into())),
                        _ => Ok(()),
                    }
                })
                .await;
            assert_eq!(tries.load(Ordering::SeqCst), expected, "{call:?}");
        }
    }

    #[tokio::test(start_paused = true)]
    async fn other_errors_are_not_retried() {
        let tries = AtomicUsize::new(0);
        let err = quick()
            .run(Call::Read, "get", || async {
                tries.fetch_add(1, Ordering::SeqCst);
                Err::<(), _>(HostError::NotFound("no such distribution".into()))
            })
            .await
            .expect_err("not found");
        assert!(matches!(err, HostError::NotFound(_)));
        assert_eq!(tries.load(Ordering::SeqCst), 1);
    }

    #[tokio::test(start_paused = true)]
    async fn eventual_consistency_is_retried_only_for_the_codes_asked() {
        let tries = AtomicUsize::new(0);
        let aws = |code: &str| HostError::Aws {
            service: "cloudfront",
            code: code.into(),
            message: String::new(),
            request_id: None,
        };
        let result = quick()
            .until_consistent("attach", &["InvalidViewerCertificate"], || async {
                match tries.fetch_add(1, Ordering::SeqCst) {
                    0 => Err(aws("InvalidViewerCertificate")),
                    _ => Ok(()),
                }
            })
            .await;
        assert!(result.is_ok());
        assert_eq!(tries.load(Ordering::SeqCst), 2);
        let err = quick()
            .until_consistent("attach", &["InvalidViewerCertificate"], || async {
                Err::<(), _>(aws("AccessDenied"))
            })
            .await
            .expect_err("not retried");
        assert!(matches!(err, HostError::Aws { ref code, .. } if code == "AccessDenied"));
    }

    #[tokio::test(start_paused = true)]
    async fn a_poll_waits_until_done_or_times_out_naming_the_state() {
        let asks = AtomicUsize::new(0);
        let value = poll(
            Duration::from_secs(60),
            Duration::from_secs(20),
            "distribution E1",
            || async {
                Ok(match asks.fetch_add(1, Ordering::SeqCst) {
                    0..=2 => Polled::Pending("InProgress".into()),
                    _ => Polled::Done("Deployed"),
                })
            },
        )
        .await
        .expect("deployed");
        assert_eq!(value, "Deployed");
        let err = poll(
            Duration::from_secs(30),
            Duration::from_secs(20),
            "distribution E1",
            || async { Ok(Polled::<()>::Pending("InProgress".into())) },
        )
        .await
        .expect_err("times out");
        assert_eq!(
            err.to_string(),
            "timed out: distribution E1 was still InProgress after 30 s"
        );
    }
}
