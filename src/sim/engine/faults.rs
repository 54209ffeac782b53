//! The what-if settings: per service, whether it is down, how slow it is, how often its
//! handler fails, its retry policy, whether it ignores repeats, and how long it waits for
//! answers; for the broker, how often it delivers twice. Each change is validated, and a
//! refused change leaves the previous setting in place.

use super::Sim;
use crate::sim::error::SimError;
use crate::sim::time::SimTime;
use crate::sim::topology::{Role, ServiceIdx};

/// What a consumer does when its handler fails, with NServiceBus's defaults: two immediate
/// retries, then three delayed ones with doubling backoff (1 s, 2 s, 4 s), then the message
/// goes to the consumer's dead letters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    pub immediate: u32,
    pub delayed: u32,
    /// The first delayed retry's wait; each later one waits twice the one before.
    pub backoff_ms: u64,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            immediate: 2,
            delayed: 3,
            backoff_ms: 1000,
        }
    }
}

/// More retries than this make no lesson clearer and would keep a message cycling for
/// hours of simulated time.
pub const MAX_RETRIES: u32 = 10;
pub const MAX_BACKOFF_MS: u64 = 60_000;
pub const MAX_SLOWDOWN: f64 = 20.0;
pub const MAX_DUPLICATE_PERCENT: f64 = 50.0;
pub const QUERY_TIMEOUT_RANGE_MS: (u64, u64) = (100, 60_000);
/// Message ids an idempotent consumer remembers; older ones are forgotten, as a real
/// inbox table is pruned.
pub const INBOX_SIZE: usize = 1000;

impl RetryPolicy {
    /// Every attempt a message gets: the first plus all retries.
    pub fn attempts(&self) -> u32 {
        1 + self.immediate + self.delayed
    }

    /// After failed attempt `n` (1-based, counted in this round), when to try again: `Some(0)`
    /// for an immediate retry, `Some(ms)` for a delayed one, `None` when no attempt is left.
    pub fn retry_after(&self, n: u32) -> Option<u64> {
        if n <= self.immediate {
            Some(0)
        } else if n < self.attempts() {
            let k = n - self.immediate - 1;
            Some(self.backoff_ms.saturating_mul(1 << k.min(30)))
        } else {
            None
        }
    }
}

/// How many down periods the history keeps.
pub const DOWN_PERIODS_KEPT: usize = 256;

/// A stretch of time a service was taken down.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DownPeriod {
    pub service: ServiceIdx,
    pub from: SimTime,
    /// `None` while it is still down.
    pub until: Option<SimTime>,
}

/// One service's what-if settings.
#[derive(Clone, Debug, PartialEq)]
pub struct ServiceFaults {
    pub down: bool,
    /// Processing and query answers take this many times as long (1 to 20).
    pub slowdown: f64,
    /// Share of handled messages whose handler fails, in percent.
    pub failure_percent: f64,
    /// The next message this service handles fails (a poison message).
    pub fail_next: bool,
    /// The broker delivers the next message for this consumer twice.
    pub duplicate_next: bool,
    /// Keeps an inbox of processed message ids and ignores a repeat.
    pub idempotent: bool,
    pub policy: RetryPolicy,
    /// How long this service waits for a query's answer.
    pub query_timeout_ms: u64,
}

impl ServiceFaults {
    pub(crate) fn healthy(query_timeout_ms: u64) -> Self {
        ServiceFaults {
            down: false,
            slowdown: 1.0,
            failure_percent: 0.0,
            fail_next: false,
            duplicate_next: false,
            idempotent: false,
            policy: RetryPolicy::default(),
            query_timeout_ms,
        }
    }

    /// `ms` stretched by the slowdown, in whole milliseconds.
    pub(crate) fn slowed(&self, ms: u64) -> u64 {
        if self.slowdown == 1.0 {
            ms
        } else {
            (ms as f64 * self.slowdown).round() as u64
        }
    }
}

/// One change to the what-if settings, as a user or a preset makes it.
#[derive(Clone, Debug, PartialEq)]
pub enum FaultChange {
    Down(ServiceIdx, bool),
    Slowdown(ServiceIdx, f64),
    FailurePercent(ServiceIdx, f64),
    FailNext(ServiceIdx),
    DuplicateNext(ServiceIdx),
    Idempotent(ServiceIdx, bool),
    Policy(ServiceIdx, RetryPolicy),
    QueryTimeout(ServiceIdx, u64),
    /// The broker's duplicate rate, in percent.
    DuplicatePercent(f64),
}

fn invalid(reason: String) -> SimError {
    SimError::InvalidInput { reason }
}

fn check_range(what: &str, value: f64, low: f64, high: f64, unit: &str) -> Result<(), SimError> {
    if value.is_finite() && (low..=high).contains(&value) {
        Ok(())
    } else {
        let [low, high, value] = [low, high, value].map(crate::sim::shortest);
        Err(invalid(format!(
            "{what} must be from {low}{unit} to {high}{unit}; {value} was not taken"
        )))
    }
}

impl Sim {
    /// The what-if settings of service `s` (a healthy default for an unknown index).
    pub fn faults(&self, s: ServiceIdx) -> ServiceFaults {
        self.faults
            .get(s)
            .cloned()
            .unwrap_or_else(|| ServiceFaults::healthy(self.config.query_timeout_ms))
    }

    /// The broker's duplicate rate, in percent.
    pub fn duplicate_percent(&self) -> f64 {
        self.duplicate_percent
    }

    /// Whether any what-if setting differs from a healthy system.
    pub fn has_faults(&self) -> bool {
        let healthy = ServiceFaults::healthy(self.config.query_timeout_ms);
        self.duplicate_percent > 0.0 || self.faults.iter().any(|f| *f != healthy)
    }

    /// When services were down, oldest first (the latest [`DOWN_PERIODS_KEPT`]).
    pub fn down_periods(&self) -> impl DoubleEndedIterator<Item = &DownPeriod> {
        self.down_periods.iter()
    }

    /// Applies one what-if change. Bad values are refused with a reason and change nothing.
    /// Bringing a service back up lets it drain its queue at once.
    pub fn change_fault(&mut self, change: FaultChange) -> Result<(), SimError> {
        let service = |s: ServiceIdx| -> Result<ServiceIdx, SimError> {
            match self.topology.role(s) {
                None => Err(SimError::UnknownServiceIndex { index: s }),
                Some(Role::Broker) => Err(invalid(format!(
                    "{} relays messages; its faults are its duplicate rate",
                    self.topology.id(s)
                ))),
                Some(_) => Ok(s),
            }
        };
        match change {
            FaultChange::Down(s, down) => {
                let s = service(s)?;
                let was = self.faults[s].down;
                self.faults[s].down = down;
                let now = self.now;
                if down && !was {
                    self.down_periods.push_back(DownPeriod {
                        service: s,
                        from: now,
                        until: None,
                    });
                    if self.down_periods.len() > DOWN_PERIODS_KEPT {
                        self.down_periods.pop_front();
                    }
                } else if was && !down {
                    if let Some(open) = self
                        .down_periods
                        .iter_mut()
                        .rev()
                        .find(|p| p.service == s && p.until.is_none())
                    {
                        open.until = Some(now);
                    }
                }
                if !down {
                    self.try_pull(s);
                }
            }
            FaultChange::Slowdown(s, factor) => {
                let s = service(s)?;
                check_range("A slowdown", factor, 1.0, MAX_SLOWDOWN, "×")?;
                self.faults[s].slowdown = factor;
            }
            FaultChange::FailurePercent(s, percent) => {
                let s = service(s)?;
                check_range("A failure rate", percent, 0.0, 100.0, " %")?;
                self.faults[s].failure_percent = percent;
            }
            FaultChange::FailNext(s) => {
                let s = service(s)?;
                self.faults[s].fail_next = true;
            }
            FaultChange::DuplicateNext(s) => {
                let s = service(s)?;
                if self.topology.broker().is_none() {
                    return Err(invalid("only a broker delivers twice".into()));
                }
                self.faults[s].duplicate_next = true;
            }
            FaultChange::Idempotent(s, on) => {
                let s = service(s)?;
                self.faults[s].idempotent = on;
            }
            FaultChange::Policy(s, policy) => {
                let s = service(s)?;
                if policy.immediate > MAX_RETRIES || policy.delayed > MAX_RETRIES {
                    return Err(invalid(format!(
                        "a policy may have at most {MAX_RETRIES} immediate and {MAX_RETRIES} \
                         delayed retries; {} and {} were not taken",
                        policy.immediate, policy.delayed
                    )));
                }
                check_range(
                    "A retry backoff",
                    policy.backoff_ms as f64,
                    1.0,
                    MAX_BACKOFF_MS as f64,
                    " ms",
                )?;
                self.faults[s].policy = policy;
            }
            FaultChange::QueryTimeout(s, ms) => {
                let s = service(s)?;
                let (low, high) = QUERY_TIMEOUT_RANGE_MS;
                check_range("A query timeout", ms as f64, low as f64, high as f64, " ms")?;
                self.faults[s].query_timeout_ms = ms;
            }
            FaultChange::DuplicatePercent(percent) => {
                check_range(
                    "A duplicate rate",
                    percent,
                    0.0,
                    MAX_DUPLICATE_PERCENT,
                    " %",
                )?;
                if self.topology.broker().is_none() {
                    return Err(invalid("only a broker delivers twice".into()));
                }
                self.duplicate_percent = percent;
            }
        }
        Ok(())
    }

    /// A seeded draw: true `percent` % of the time. Draws nothing at 0 %, so a run without
    /// faults consumes exactly the random numbers it did before faults existed.
    pub(super) fn chance(&mut self, percent: f64) -> bool {
        if percent <= 0.0 {
            return false;
        }
        let basis_points = (percent * 100.0).round() as u64;
        self.fault_rng.below(10_000) < basis_points
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_policy_retries_twice_at_once_then_after_1_2_and_4_seconds() {
        let p = RetryPolicy::default();
        assert_eq!(p.attempts(), 6);
        let waits: Vec<_> = (1..=6).map(|n| p.retry_after(n)).collect();
        assert_eq!(
            waits,
            [Some(0), Some(0), Some(1000), Some(2000), Some(4000), None]
        );
    }

    #[test]
    fn a_policy_without_retries_dead_letters_the_first_failure() {
        let p = RetryPolicy {
            immediate: 0,
            delayed: 0,
            backoff_ms: 1000,
        };
        assert_eq!(p.retry_after(1), None);
    }
}
