use leptos::prelude::*;
use serde_json::Value;

use crate::components::json_view::JsonView;
use crate::components::FaultControls;
use crate::listing::clock_time;
use crate::live::LiveSim;
use crate::on_demand::{on_demand, part_holder, PartMissing};
use crate::sim::{FaultChange, Role, ServiceIdx, ServiceSpec, SimTime};

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
    /// Applies a what-if change to the selected service.
    on_fault: Callback<FaultChange>,
    /// Says what was wrong with a what-if value as typed.
    on_invalid: Callback<String>,
) -> impl IntoView {
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
                Some(spec) => part_holder(Box::pin(on_demand!(service_details_part(live, spec, selected, on_fault, on_invalid)))).into_any(),
            }}
        </section>
    }
}

/// One service's details, a part of its own fetched when a service is first selected.
#[cfg_attr(
    all(feature = "split", target_arch = "wasm32"),
    leptos::wasm_split::wasm_split(service_details, wasm_split_path = ::leptos::wasm_split, fallible)
)]
fn service_details_part(
    live: LiveSim,
    spec: ServiceSpec,
    selected: Signal<Option<ServiceIdx>>,
    on_fault: Callback<FaultChange>,
    on_invalid: Callback<String>,
) -> Result<AnyView, PartMissing> {
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
    // For the broker: who gets what it relays, read from every service's contracts.
    let routes = move || {
        live.peek(|sim| {
            let topology = sim.topology();
            let mut routes: Vec<(String, String)> = Vec::new();
            for spec in topology.services() {
                for command in &spec.handles {
                    routes.push((format!("{command} (command)"), spec.id.clone()));
                }
            }
            let mut events: Vec<&String> = Vec::new();
            for event in topology.services().iter().flat_map(|s| s.publishes.iter()) {
                if !events.contains(&event) {
                    events.push(event);
                }
            }
            for event in events {
                let subscribers: Vec<&str> = topology
                    .subscribers_of(event)
                    .into_iter()
                    .map(|s| topology.id(s))
                    .collect();
                let to = if subscribers.is_empty() {
                    "nobody".to_string()
                } else {
                    subscribers.join(", ")
                };
                routes.push((format!("{event} (event)"), to));
            }
            routes
        })
        .unwrap_or_default()
    };
    // On a short screen the inspector opens below the fold: bring its contracts into view.
    let details = NodeRef::<leptos::html::Div>::new();
    request_animation_frame(move || {
        if let Some(element) = details.try_get_untracked().flatten() {
            let options = web_sys::ScrollIntoViewOptions::new();
            options.set_block(web_sys::ScrollLogicalPosition::Nearest);
            element.scroll_into_view_with_scroll_into_view_options(&options);
        }
    });
    let lists = [
        ("Handles commands", spec.handles.clone()),
        ("Sends commands", spec.sends.clone()),
        ("Publishes events", spec.publishes.clone()),
        ("Subscribes to", spec.subscribes.clone()),
        ("Serves queries", spec.serves.clone()),
        ("Calls", spec.calls.clone()),
    ];
    Ok(view! {
                        <div class="service-details" data-service=spec.id.clone() node_ref=details>
                            <p class="message-title"><strong>{spec.name.clone()}</strong>" "<code>{spec.id.clone()}</code></p>
                            <h3 class="section-title">"What if"</h3>
                            {selected.get_untracked().map(|service| view! { <FaultControls live service on_fault on_invalid /> })}
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
                            {(spec.role == Role::Broker).then(|| view! {
                                <h3 class="section-title">"Who gets what"</h3>
                                <dl class="contracts broker-routes">
                                    {routes().into_iter().map(|(message, to)| view! {
                                        <dt><code>{message}</code></dt>
                                        <dd>{format!("→ {to}")}</dd>
                                    }).collect::<Vec<_>>()}
                                </dl>
                            })}
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
        }
        .into_any())
}
