use leptos::prelude::*;
use serde_json::Value;

use crate::components::json_view::JsonView;
use crate::listing::clock_time;
use crate::live::LiveSim;
use crate::sim::{ServiceIdx, SimTime};

/// The selected service: what it handles, sends, publishes, subscribes to, serves and
/// calls, and its current state as JSON with the simulated time it last changed, so a
/// query visibly leaves it alone.
#[component]
pub fn ServiceInspector(
    /// The running simulation.
    live: LiveSim,
    /// The service to show, if any.
    #[prop(into)]
    selected: Signal<Option<ServiceIdx>>,
) -> impl IntoView {
    // The state, and when it last differed from what this memo saw before.
    let state = Memo::new(
        move |previous: Option<&Option<(ServiceIdx, Value, SimTime)>>| {
            let index = selected.get()?;
            let (value, now) = live.read(|sim| {
                let id = sim.topology().id(index).to_string();
                (
                    sim.service_state(&id)
                        .unwrap_or_else(|e| Value::String(e.to_string())),
                    sim.now(),
                )
            })?;
            let changed_at = match previous {
                Some(Some((i, v, at))) if *i == index && *v == value => *at,
                _ => now,
            };
            Some((index, value, changed_at))
        },
    );
    let spec = move || {
        let index = selected.get()?;
        live.peek(|sim| sim.topology().services().get(index).cloned())
            .flatten()
    };

    view! {
        <section class="panel service-inspector" role="region" aria-label="Service inspector">
            <header class="panel-header"><h2>"Service inspector"</h2></header>
            {move || match spec() {
                None => view! { <p class="empty">"Click a service on the diagram to see its state and contracts."</p> }.into_any(),
                Some(spec) => {
                    let lists = [
                        ("Handles commands", spec.handles.clone()),
                        ("Sends commands", spec.sends.clone()),
                        ("Publishes events", spec.publishes.clone()),
                        ("Subscribes to", spec.subscribes.clone()),
                        ("Serves queries", spec.serves.clone()),
                        ("Calls", spec.calls.clone()),
                    ];
                    view! {
                        <div class="service-details" data-service=spec.id.clone()>
                            <p class="message-title"><strong>{spec.name.clone()}</strong>" "<code>{spec.id.clone()}</code></p>
                            <dl class="contracts">
                                {lists
                                    .into_iter()
                                    .filter(|(_, items)| !items.is_empty())
                                    .map(|(title, items)| view! {
                                        <dt>{title}</dt>
                                        <dd><ul>{items.into_iter().map(|i| view! { <li><code>{i}</code></li> }).collect::<Vec<_>>()}</ul></dd>
                                    })
                                    .collect::<Vec<_>>()}
                            </dl>
                            <h3 class="section-title">
                                "State "
                                <span class="state-changed">
                                    {move || state.get().map(|(_, _, at)| format!("last changed at {}", clock_time(at))).unwrap_or_default()}
                                </span>
                            </h3>
                            <div class="service-state">
                                {move || state.get().map(|(_, value, _)| view! { <JsonView value=value open_depth=2 /> })}
                            </div>
                        </div>
                    }.into_any()
                }
            }}
        </section>
    }
}
