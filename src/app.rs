//! The page: owns the simulation and the one animation loop, and wires the components.

use leptos::html::Canvas;
use leptos::prelude::*;

use crate::animation::{prefers_reduced_motion, use_animation_frame};
use crate::bench_mode::{self, Mode};
use crate::components::controls::TRAFFIC_MAX;
use crate::components::{
    Controls, Diagram, Legend, MessageLog, Notice, PayloadInspector, ServiceInspector,
};
use crate::geometry::{view_to_client, DiagramGeometry, Point};
use crate::live::LiveSim;
use crate::painter::Painter;
use crate::sim::{Happening, MessageId, Scenario, ServiceIdx, Sim, SimConfig, SimTime};
use crate::tokens::{PlacedToken, TokenLayer};

/// The shortest time between two refreshes of the views the animation loop causes.
const VIEW_REFRESH_MS: f64 = 100.0;
/// How close, in diagram units, a click must land to a token to pick it.
const PICK_RADIUS: f64 = 12.0;

/// The whole app: header, controls, diagram with legend and log, and the inspectors.
#[component]
pub fn App() -> impl IntoView {
    let config = SimConfig::default();
    let (mode, mode_notice) = bench_mode::current_mode();
    let (first_sim, refused) = bench_mode::build_sim(mode, &config);
    let sim = StoredValue::new_local(first_sim);
    let geometry = StoredValue::new_local(sim.with_value(|s| DiagramGeometry::new(s.topology())));
    let tokens = StoredValue::new_local(TokenLayer::new(geometry.with_value(|g| g.edges.len())));
    let (version, set_version) = signal(0u64);
    // The clock moves even when nothing happens; only the header reads it.
    let (clock_now, set_clock_now) = signal::<SimTime>(0);
    let live = LiveSim::new(sim, version);

    let playing = RwSignal::new(true);
    let speed = RwSignal::new(1.0);
    let selected_message = RwSignal::new(None::<MessageId>);
    // The log's page, kept here so that Reset can take the log back to its newest page:
    // message ids start again after a reset.
    let log_page_before = RwSignal::new(None::<MessageId>);
    let selected_service = RwSignal::new(None::<ServiceIdx>);
    let notice = RwSignal::new(mode_notice.or(refused));
    let canvas = NodeRef::<Canvas>::new();
    let reduced_motion = prefers_reduced_motion();

    // Everything the simulation reports goes through here: new hops become tokens at once.
    // Returns whether anything happened, so the caller can tell the views.
    let absorb_tokens = move |happenings: &[Happening]| {
        if !happenings.is_empty() {
            geometry.with_value(|g| tokens.update_value(|t| t.absorb(g, happenings)));
        }
        !happenings.is_empty()
    };
    // A user's action shows at once; the animation loop's own changes are batched.
    let absorb = move |happenings: Vec<Happening>| {
        if absorb_tokens(&happenings) {
            set_version.update(|v| *v += 1);
        }
    };

    let painter = StoredValue::new_local(None::<Painter>);
    let mut carry_ms = 0.0_f64;
    let mut views_stale = false;
    let mut since_views_ms = 0.0_f64;
    use_animation_frame(move |elapsed_ms| {
        let Some(running) = playing.try_get_untracked() else {
            return false;
        };
        let Some(speed) = speed.try_get_untracked() else {
            return false;
        };
        if running {
            // Whole simulated milliseconds only; the fraction carries into the next frame.
            carry_ms += elapsed_ms * speed;
            let step = carry_ms.floor();
            carry_ms -= step;
            let Some(happenings) = sim.try_update_value(|s| s.advance_by(step as u64)) else {
                return false;
            };
            views_stale |= absorb_tokens(&happenings);
        }
        // Tokens move every frame; the log, statuses and inspectors need not. Under heavy
        // traffic, re-deriving them sixty times a second cost more than drawing every token.
        since_views_ms += elapsed_ms;
        if since_views_ms >= VIEW_REFRESH_MS {
            if views_stale {
                let _ = set_version.try_update(|v| *v += 1);
                views_stale = false;
            }
            if let Some(now) = sim.try_with_value(Sim::now) {
                if clock_now.try_get_untracked() != Some(now) {
                    let _ = set_clock_now.try_set(now);
                }
            }
            since_views_ms = 0.0;
        }
        let Some(now) = sim.try_with_value(Sim::now) else {
            return false;
        };
        let Some(element) = canvas.try_get_untracked().flatten() else {
            return true;
        };
        let placed: Vec<PlacedToken> = tokens
            .try_update_value(|t| {
                t.prune(now);
                geometry.with_value(|g| t.placed(g, now, reduced_motion).collect())
            })
            .unwrap_or_default();
        painter.update_value(|p| {
            if p.is_none() {
                *p = Painter::new(&element);
            }
            if let Some(p) = p.as_mut() {
                p.paint(&element, &placed);
            }
        });
        true
    });

    let on_step = Callback::new(move |()| {
        playing.set(false);
        let happenings = sim.try_update_value(Sim::step).unwrap_or_default();
        if happenings.is_empty() {
            notice.set(Some(
                "Nothing is scheduled: start a scenario or traffic first.".into(),
            ));
        }
        absorb(happenings);
    });
    let reset_config = config.clone();
    let on_reset = Callback::new(move |()| {
        sim.set_value(bench_mode::build_sim(mode, &reset_config).0);
        tokens.update_value(TokenLayer::clear);
        selected_message.set(None);
        log_page_before.set(None);
        notice.set(None);
        set_version.update(|v| *v += 1);
    });
    let on_scenario = Callback::new(move |scenario: Scenario| {
        match sim.try_update_value(|s| s.act(scenario.action()).map(|_| s.advance_by(0))) {
            Some(Ok(happenings)) => absorb(happenings),
            Some(Err(error)) => notice.set(Some(format!("{}: {error}", scenario.label()))),
            None => {}
        }
    });
    let on_traffic = Callback::new(move |text: String| match parse_traffic_rate(&text) {
        Ok(rate) => match sim.try_update_value(|s| s.set_traffic(rate)) {
            Some(Ok(())) => {
                notice.set(None);
                set_version.update(|v| *v += 1);
            }
            Some(Err(error)) => notice.set(Some(format!("Traffic: {error}"))),
            None => {}
        },
        Err(message) => notice.set(Some(message)),
    });
    let on_select_edge = Callback::new(move |edge: usize| {
        if let Some(id) = tokens.with_value(|t| t.last_on_edge(edge)) {
            selected_message.set(Some(id));
        }
    });
    let on_pick = Callback::new(move |at: Point| -> bool {
        let now = sim.with_value(Sim::now);
        let hit = geometry
            .with_value(|g| tokens.with_value(|t| t.hit(g, now, reduced_motion, at, PICK_RADIUS)));
        let Some(id) = hit else {
            return false;
        };
        selected_message.set(Some(id));
        if matches!(mode, Mode::Tokens(_)) {
            bench_mode::note_token_picked(id);
        }
        true
    });
    let on_select_service =
        Callback::new(move |index: ServiceIdx| selected_service.set(Some(index)));

    match mode {
        Mode::Tokens(_) => bench_mode::expose_bench_hooks(
            move || tokens.try_with_value(TokenLayer::len).unwrap_or(0),
            move |k| {
                let rect = canvas
                    .try_get_untracked()
                    .flatten()?
                    .get_bounding_client_rect();
                let now = sim.try_with_value(Sim::now)?;
                let at = tokens.try_with_value(|t| {
                    let n = t.len().max(1);
                    geometry.with_value(|g| t.placed(g, now, reduced_motion).nth(k % n))
                })??;
                let p = view_to_client(at.at, (rect.width(), rect.height()));
                Some((rect.left() + p.x, rect.top() + p.y))
            },
        ),
        Mode::SimThroughput => {
            request_animation_frame(move || bench_mode::run_sim_benchmark(&config))
        }
        Mode::Airline => {}
    }

    // The page is built over three tasks, each short enough not to block input while the
    // page loads (in one task it took 60 to 95 ms): now the header, the controls and the
    // diagram's empty box; in the next task the diagram's nodes and edges; in the one after,
    // the panels around it. Every place is fixed by the layout, so nothing moves as they
    // arrive.
    let (built, set_built) = signal(0u8);
    let build_next = move || {
        let _ = set_built.try_update(|stage| *stage += 1);
    };
    set_timeout(
        move || {
            build_next();
            set_timeout(build_next, std::time::Duration::ZERO);
        },
        std::time::Duration::ZERO,
    );
    let diagram_ready = Signal::derive(move || built.get() >= 1);
    let panels_ready = move || built.get() >= 2;

    let traffic = Signal::derive(move || live.read(Sim::traffic).unwrap_or(0.0));
    let clock = move || crate::listing::clock_time(clock_now.get());
    let in_flight = move || live.read(Sim::in_flight).unwrap_or(0);

    view! {
        <div class="app">
            <header class="app-header">
                <div class="brand">
                    <h1>"Contrail"</h1>
                    <p class="tagline">"How an airline's microservices talk: commands, events and queries"</p>
                </div>
                <p class="clock" aria-live="off">
                    <span class="clock-label">"Simulated time "</span>
                    <time class="clock-time">{clock}</time>
                    <span class="in-flight">{move || format!(" · {} tokens in flight", crate::listing::grouped(in_flight()))}</span>
                </p>
            </header>
            <Controls playing speed traffic on_step on_reset on_scenario on_traffic />
            <Notice message=notice />
            <main class="workspace">
                <div class="stage">
                    <Diagram
                        live
                        geometry
                        selected_service
                        on_select_service
                        on_select_edge
                        on_pick
                        canvas
                        contents_ready=diagram_ready
                    />
                    <Show when=panels_ready>
                        <Legend />
                        <ServiceInspector live selected=selected_service />
                    </Show>
                </div>
                <aside class="side">
                    <Show when=panels_ready>
                        <PayloadInspector live selected=selected_message />
                        <MessageLog live selected=selected_message page_before=log_page_before />
                    </Show>
                </aside>
            </main>
        </div>
    }
}

/// Reads the traffic rate as typed, in bookings per simulated second; 0 stops traffic.
pub fn parse_traffic_rate(text: &str) -> Result<f64, String> {
    let trimmed = text.trim();
    let rate: f64 = trimmed.parse().map_err(|_| {
        format!("Traffic rate must be a number of bookings per second, not \"{trimmed}\".")
    })?;
    if !rate.is_finite() || !(0.0..=TRAFFIC_MAX).contains(&rate) {
        return Err(format!(
            "Traffic rate must be between 0 and {TRAFFIC_MAX} bookings per second, not {trimmed}."
        ));
    }
    Ok(rate)
}

#[cfg(test)]
mod tests {
    use super::parse_traffic_rate;

    #[test]
    fn traffic_rates_are_checked_before_they_reach_the_simulation() {
        assert_eq!(parse_traffic_rate(" 2.5 "), Ok(2.5));
        assert_eq!(parse_traffic_rate("0"), Ok(0.0));
        assert!(parse_traffic_rate("abc").unwrap_err().contains("\"abc\""));
        assert!(parse_traffic_rate("-1").is_err());
        assert!(parse_traffic_rate("1e9").is_err());
        assert!(parse_traffic_rate("NaN").is_err());
        assert!(parse_traffic_rate("").is_err());
    }
}
