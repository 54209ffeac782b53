use leptos::html::Div;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::components::clicked_attribute;
use crate::markup::escape;

/// The speeds the Speed slider steps through, slowest first.
pub const SPEEDS: [f64; 5] = [0.25, 0.5, 1.0, 2.0, 4.0];
/// The traffic generator's range in the UI, in simulated bookings per second.
pub const TRAFFIC_MAX: f64 = 50.0;
/// The speed the page starts at: 1×.
const FIRST_SPEED: usize = 2;

/// "2×": a speed as the slider's output says it.
fn speed_text(index: usize) -> String {
    format!("{}×", crate::sim::plain(SPEEDS[index], 3))
}

/// The control bar as fixed markup: one element with two delegated handlers costs the first
/// load far less than a view and a handler per control. The scenario buttons are the
/// model's, by their place in `scenarios`, their names as text.
pub(crate) fn controls_markup(scenarios: &[String], traffic_available: bool) -> String {
    let speed = speed_text(FIRST_SPEED);
    let mut html = format!(
        concat!(
            r#"<div class="control-group">"#,
            r#"<button type="button" class="primary" data-control="play">Play</button>"#,
            r#"<button type="button" data-control="step-back" title="Replay the run to the step before">Step back</button>"#,
            r#"<button type="button" data-control="step">Step</button>"#,
            r#"<button type="button" data-control="reset">Reset</button>"#,
            r#"<label class="speed"><span>Speed</span>"#,
            r#"<input type="range" min="0" max="{max}" step="1" value="{FIRST_SPEED}" aria-label="Speed" aria-valuetext="{speed}">"#,
            r#"<output class="speed-value">{speed}</output></label></div>"#,
            r#"<div class="control-group" role="group" aria-label="Scenarios">"#,
        ),
        max = SPEEDS.len() - 1,
        FIRST_SPEED = FIRST_SPEED,
        speed = speed,
    );
    for (index, name) in scenarios.iter().enumerate() {
        html.push_str(&format!(
            r#"<button type="button" class="scenario" data-scenario="{index}">{}</button>"#,
            escape(name)
        ));
    }
    html.push_str("</div>");
    if traffic_available {
        // Below what Booking can handle (about 0.4 a second), so the whole chain flows; a
        // faster rate is the way to watch its queue fill at the broker.
        html.push_str(&format!(
            concat!(
                r#"<div class="control-group traffic" role="group" aria-label="Traffic generator">"#,
                r#"<label><span>Bookings/s</span>"#,
                r#"<input type="number" min="0.1" max="{}" step="0.1" value="0.3"></label>"#,
                r#"<button type="button" data-control="traffic">Start traffic</button></div>"#,
            ),
            crate::sim::plain(TRAFFIC_MAX, 3)
        ));
    }
    html
}

/// The control bar: play and pause, step and step back, speed, reset, the model's scenario
/// buttons and, for the airline, the traffic generator.
#[component]
pub fn Controls(
    /// Whether the simulation clock runs; the Play/Pause button flips it.
    #[prop(into)]
    playing: Signal<bool>,
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
    /// Asks for traffic at a rate in bookings per second (0 stops it), as the browser reads
    /// the field: not a number when it holds none, so the owner can say what is wrong.
    on_traffic: Callback<f64>,
) -> impl IntoView {
    let markup = controls_markup(&scenarios, traffic_available);
    let holder = NodeRef::<Div>::new();
    let find = move |selector: &str| holder.get_untracked()?.query_selector(selector).ok()?;
    // What the controls say follows the simulation, whoever changed it (a shortcut, a
    // scenario, a preset): one effect writes the three texts that change, and only when
    // one of them does, not at every refresh of the traffic rate.
    let shown = Memo::new(move |_| {
        let index = SPEEDS
            .iter()
            .position(|&s| (s - speed.get()).abs() < 1e-9)
            .unwrap_or(FIRST_SPEED);
        (playing.get(), index, traffic.get() > 0.0)
    });
    Effect::new(move |_| {
        let (running, index, traffic_on) = shown.get();
        holder.track();
        if let Some(play) = find("[data-control=play]") {
            play.set_text_content(Some(if running { "Pause" } else { "Play" }));
        }
        let said = speed_text(index);
        if let Some(slider) = find("input[type=range]") {
            let _ = slider.set_attribute("aria-valuetext", &said);
            slider
                .unchecked_into::<web_sys::HtmlInputElement>()
                .set_value(&index.to_string());
        }
        if let Some(output) = find("output") {
            output.set_text_content(Some(&said));
        }
        if let Some(button) = find("[data-control=traffic]") {
            button.set_text_content(Some(if traffic_on {
                "Stop traffic"
            } else {
                "Start traffic"
            }));
        }
    });
    let click = move |ev: leptos::ev::MouseEvent| {
        if let Some(index) = clicked_attribute::<usize>(&ev, "data-scenario") {
            if let Some(name) = scenarios.get(index) {
                on_scenario.run(name.clone());
            }
            return;
        }
        match clicked_attribute::<String>(&ev, "data-control").as_deref() {
            Some("play") => on_play.run(()),
            Some("step-back") => on_step_back.run(()),
            Some("step") => on_step.run(()),
            Some("reset") => on_reset.run(()),
            Some("traffic") if traffic.get_untracked() > 0.0 => on_traffic.run(0.0),
            Some("traffic") => {
                if let Some(rate) = find("input[type=number]") {
                    on_traffic.run(
                        rate.unchecked_into::<web_sys::HtmlInputElement>()
                            .value_as_number(),
                    );
                }
            }
            _ => {}
        }
    };
    let input = move |ev: leptos::ev::Event| {
        let Some(slider) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
            .filter(|i| i.type_() == "range")
        else {
            return;
        };
        if let Some(&s) = slider
            .value()
            .parse::<usize>()
            .ok()
            .and_then(|i| SPEEDS.get(i))
        {
            speed.set(s);
        }
    };
    view! {
        <div
            class="controls"
            role="toolbar"
            aria-label="Simulation controls"
            node_ref=holder
            inner_html=markup
            on:click=click
            on:input=input
        ></div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bar_has_every_control_and_the_models_scenarios_as_text() {
        let names = ["Book a flight".to_string(), "<b>x</b> & y".to_string()];
        let html = controls_markup(&names, true);
        for control in ["play", "step-back", "step", "reset", "traffic"] {
            assert!(
                html.contains(&format!(r#"data-control="{control}""#)),
                "{control}"
            );
        }
        assert!(html.contains(r#"data-scenario="0">Book a flight</button>"#));
        assert!(html.contains(r#"data-scenario="1">&lt;b&gt;x&lt;/b&gt; &amp; y</button>"#));
        assert!(!html.contains("<b>"));
        assert!(html.contains(r#"value="2" aria-label="Speed" aria-valuetext="1×""#));
        assert!(html.contains(r#"max="4""#) && html.contains(r#"max="50""#));
    }

    #[test]
    fn a_model_without_traffic_has_no_traffic_controls() {
        let html = controls_markup(&[], false);
        assert!(!html.contains("Bookings/s"));
        assert!(!html.contains(r#"data-control="traffic""#));
        assert!(html.contains(r#"aria-label="Scenarios"></div>"#));
    }
}
