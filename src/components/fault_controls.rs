use leptos::prelude::*;

use crate::live::LiveSim;
use crate::sim::{FaultChange, RetryPolicy, Role, ServiceFaults, ServiceIdx, MAX_RETRIES};

/// Reads a number as typed; `Err` says what was wrong in words.
pub fn parse_number(text: &str, what: &str) -> Result<f64, String> {
    let trimmed = text.trim();
    match crate::sim::read_decimal(trimmed) {
        Some(value) if value.is_finite() => Ok(value),
        _ => Err(format!("{what} must be a number, not \"{trimmed}\".")),
    }
}

/// Reads a whole number of at most `max`.
fn parse_count(text: &str, what: &str, max: u64) -> Result<u64, String> {
    let value = parse_number(text, what)?;
    if value < 0.0 || value.fract() != 0.0 || value > max as f64 {
        return Err(format!(
            "{what} must be a whole number from 0 to {max}, not {}.",
            text.trim()
        ));
    }
    Ok(value as u64)
}

/// The what-if settings of one service: down, slowdown, failure rate, poison message,
/// duplicate next delivery, idempotency, query timeout and retry policy; for the broker,
/// its duplicate rate. A refused value is explained and the previous one stays.
#[component]
pub fn FaultControls(
    /// The running simulation.
    live: LiveSim,
    /// The service these settings are for.
    service: ServiceIdx,
    /// Applies a change; refusals come back through the page's notice.
    on_fault: Callback<FaultChange>,
    /// Says what was wrong with a value as typed.
    on_invalid: Callback<String>,
) -> impl IntoView {
    let role = live.peek(|sim| sim.topology().role(service)).flatten();
    let faults = move || live.read(|sim| sim.faults(service));
    // Each number input shows the simulation's value, so a refused entry snaps back.
    let number = move |label: &'static str,
                       unit: &'static str,
                       read: fn(&ServiceFaults) -> f64,
                       make: fn(
        ServiceIdx,
        &ServiceFaults,
        &str,
    ) -> Result<FaultChange, String>| {
        view! {
            <label for=format!("fault-{service}-{label}")>{label}</label>
            <span>
                <input
                    id=format!("fault-{service}-{label}")
                    type="number"
                    prop:value=move || faults().map(|f| crate::sim::shortest(read(&f))).unwrap_or_default()
                    on:change=move |ev| {
                        let Some(now) = live.peek(|sim| sim.faults(service)) else {
                            return;
                        };
                        match make(service, &now, &event_target_value(&ev)) {
                            Ok(change) => on_fault.run(change),
                            Err(message) => on_invalid.run(message),
                        }
                    }
                />
                {unit}
            </span>
        }
    };
    if role == Some(Role::Broker) {
        return view! {
            <div class="fault-controls">
                <label for="fault-duplicate-rate">"Duplicate rate"</label>
                <span>
                    <input
                        id="fault-duplicate-rate"
                        type="number"
                        prop:value=move || live.read(|sim| crate::sim::shortest(sim.duplicate_percent())).unwrap_or_default()
                        on:change=move |ev| match parse_number(&event_target_value(&ev), "Duplicate rate") {
                            Ok(percent) => on_fault.run(FaultChange::DuplicatePercent(percent)),
                            Err(message) => on_invalid.run(message),
                        }
                    />
                    " %"
                </span>
            </div>
        }
        .into_any();
    }
    view! {
        <div class="fault-controls">
            <label for=format!("fault-{service}-down")>"Down"</label>
            <input
                id=format!("fault-{service}-down")
                type="checkbox"
                prop:checked=move || faults().is_some_and(|f| f.down)
                on:change=move |ev| on_fault.run(FaultChange::Down(service, event_target_checked(&ev)))
            />
            {number("Slowdown", " ×", |f| f.slowdown, |s, _, t| Ok(FaultChange::Slowdown(s, parse_number(t, "Slowdown")?)))}
            {number("Failure rate", " %", |f| f.failure_percent, |s, _, t| Ok(FaultChange::FailurePercent(s, parse_number(t, "Failure rate")?)))}
            <label for=format!("fault-{service}-idempotent")>"Idempotent"</label>
            <input
                id=format!("fault-{service}-idempotent")
                type="checkbox"
                prop:checked=move || faults().is_some_and(|f| f.idempotent)
                on:change=move |ev| on_fault.run(FaultChange::Idempotent(service, event_target_checked(&ev)))
            />
            {number("Query timeout", " ms", |f| f.query_timeout_ms as f64, |s, _, t| {
                Ok(FaultChange::QueryTimeout(s, parse_count(t, "Query timeout", u64::MAX)?))
            })}
            {number("Immediate retries", "", |f| f64::from(f.policy.immediate), |s, f, t| {
                let n = parse_count(t, "Immediate retries", u64::from(MAX_RETRIES))? as u32;
                Ok(FaultChange::Policy(s, RetryPolicy { immediate: n, ..f.policy }))
            })}
            {number("Delayed retries", "", |f| f64::from(f.policy.delayed), |s, f, t| {
                let n = parse_count(t, "Delayed retries", u64::from(MAX_RETRIES))? as u32;
                Ok(FaultChange::Policy(s, RetryPolicy { delayed: n, ..f.policy }))
            })}
            {number("Backoff", " ms", |f| f.policy.backoff_ms as f64, |s, f, t| {
                let ms = parse_count(t, "Backoff", u64::MAX)?;
                Ok(FaultChange::Policy(s, RetryPolicy { backoff_ms: ms, ..f.policy }))
            })}
            <div class="fault-actions">
                <button
                    aria-pressed=move || faults().is_some_and(|f| f.fail_next).to_string()
                    on:click=move |_| on_fault.run(FaultChange::FailNext(service))
                >
                    "Fail next message"
                </button>
                <button
                    aria-pressed=move || faults().is_some_and(|f| f.duplicate_next).to_string()
                    on:click=move |_| on_fault.run(FaultChange::DuplicateNext(service))
                >
                    "Duplicate next delivery"
                </button>
            </div>
            <p class="fault-policy-note">
                {move || faults().map(|f| {
                    format!("Up to {} attempts, then its dead letters.", f.policy.attempts())
                })}
            </p>
        </div>
    }
    .into_any()
}
