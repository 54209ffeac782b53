use leptos::prelude::*;

/// The speeds the Speed slider steps through, slowest first.
pub const SPEEDS: [f64; 5] = [0.25, 0.5, 1.0, 2.0, 4.0];
/// The traffic generator's range in the UI, in simulated bookings per second.
pub const TRAFFIC_MAX: f64 = 50.0;

/// The control bar: play and pause, step and step back, speed, reset, the model's scenario
/// buttons and, for the airline, the traffic generator.
#[component]
pub fn Controls(
    /// Whether the simulation clock runs; the Play/Pause button flips it.
    playing: RwSignal<bool>,
    /// Simulated milliseconds per real millisecond.
    speed: RwSignal<f64>,
    /// The traffic generator's current rate (0 when off), as the simulation reports it.
    #[prop(into)]
    traffic: Signal<f64>,
    /// Starts or pauses the clock.
    on_play: Callback<()>,
    /// Advances the simulation to its next happening.
    on_step: Callback<()>,
    /// Returns the simulation to the step before, by replaying the run.
    on_step_back: Callback<()>,
    /// Starts the simulation over from its seed data.
    on_reset: Callback<()>,
    /// The model's scenarios, by name, one button each.
    scenarios: Vec<String>,
    /// Runs one of the model's scenarios.
    on_scenario: Callback<String>,
    /// Whether the model has a traffic generator (the airline's bookings).
    traffic_available: bool,
    /// Asks for traffic at a rate (0 stops it). The text is passed as typed, so the
    /// owner can explain what is wrong with it.
    on_traffic: Callback<String>,
) -> impl IntoView {
    let speed_index = move || {
        SPEEDS
            .iter()
            .position(|&s| (s - speed.get()).abs() < 1e-9)
            .unwrap_or(2)
    };
    // Below what Booking can handle (about 0.4 a second), so the whole chain flows; a
    // faster rate is the way to watch its queue fill at the broker.
    let (rate_text, set_rate_text) = signal("0.3".to_string());
    let traffic_on = move || traffic.get() > 0.0;

    view! {
        <div class="controls" role="toolbar" aria-label="Simulation controls">
            <div class="control-group">
                <button class="primary" on:click=move |_| on_play.run(())>
                    {move || if playing.get() { "Pause" } else { "Play" }}
                </button>
                <button on:click=move |_| on_step_back.run(()) title="Replay the run to the step before">"Step back"</button>
                <button on:click=move |_| on_step.run(())>"Step"</button>
                <button on:click=move |_| on_reset.run(())>"Reset"</button>
                <label class="speed">
                    <span>"Speed"</span>
                    <input
                        type="range"
                        min="0"
                        max=(SPEEDS.len() - 1).to_string()
                        step="1"
                        aria-label="Speed"
                        aria-valuetext=move || format!("{}×", crate::sim::plain(SPEEDS[speed_index()], 3))
                        prop:value=move || speed_index().to_string()
                        on:input:target=move |ev| {
                            if let Some(&s) = ev
                                .target()
                                .value()
                                .parse::<usize>()
                                .ok()
                                .and_then(|i| SPEEDS.get(i))
                            {
                                speed.set(s);
                            }
                        }
                    />
                    <output class="speed-value">{move || format!("{}×", crate::sim::plain(SPEEDS[speed_index()], 3))}</output>
                </label>
            </div>
            <div class="control-group" role="group" aria-label="Scenarios">
                {scenarios
                    .into_iter()
                    .map(|scenario| {
                        let name = scenario.clone();
                        view! {
                            <button class="scenario" on:click=move |_| on_scenario.run(name.clone())>
                                {scenario}
                            </button>
                        }
                    })
                    .collect::<Vec<_>>()}
            </div>
            <Show when=move || traffic_available>
            <div class="control-group traffic" role="group" aria-label="Traffic generator">
                <label>
                    <span>"Bookings/s"</span>
                    <input
                        type="number"
                        min="0.1"
                        max=crate::sim::plain(TRAFFIC_MAX, 3)
                        step="0.1"
                        prop:value=rate_text
                        on:input:target=move |ev| set_rate_text.set(ev.target().value())
                    />
                </label>
                <button
                    on:click=move |_| {
                        if traffic_on() {
                            on_traffic.run("0".to_string())
                        } else {
                            on_traffic.run(rate_text.get_untracked())
                        }
                    }
                >
                    {move || if traffic_on() { "Stop traffic" } else { "Start traffic" }}
                </button>
            </div>
            </Show>
        </div>
    }
}
