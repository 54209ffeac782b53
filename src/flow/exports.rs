//! The exports, written in the worker off the first load: the page sends its run as a share
//! link's JSON (the model, the seed and every input), the worker replays it to the same
//! moment (the run is a pure function of those, as a shared link relies on) and writes the
//! export from the replayed simulation. Only a person exporting pays for this code.

use serde_json::Value;

use super::mermaid::{correlation_messages, sequence_diagram, window_messages};
use super::otlp::{envelopes_jsonl, traces};
use super::sequence::Window;
use super::svg_export::standalone_svg;
use crate::diagram_markup::DiagramState;
use crate::geometry::DiagramGeometry;
use crate::loaded::Start;
use crate::sim::{Journal, MessageId, Sim, SimConfig};
use crate::tokens::{PlacedToken, TokenLayer};

/// What to write, and what the page showed when asked.
#[derive(Clone, Debug, PartialEq)]
pub struct ExportRequest {
    /// `mermaid`, `svg`, `otlp` or `log`.
    pub what: String,
    /// The selected message: a Mermaid export draws its user action.
    pub selected: Option<MessageId>,
    /// The sequence view's window: without a selection, a Mermaid export draws what is in it.
    pub window: Option<Window>,
    /// The page's rules for the diagram, for the SVG.
    pub css: String,
}

impl ExportRequest {
    /// Reads the worker request's fields (`what`, `selected`, `window: [from, to]`, `css`).
    pub fn from_value(request: &Value) -> Self {
        let window = request
            .get("window")
            .and_then(Value::as_array)
            .and_then(|w| {
                Some(Window {
                    from: w.first()?.as_u64()?,
                    to: w.get(1)?.as_u64()?,
                })
            });
        Self {
            what: request["what"].as_str().unwrap_or_default().to_string(),
            selected: request["selected"].as_u64(),
            window,
            css: request["css"].as_str().unwrap_or_default().to_string(),
        }
    }
}

/// The export's text, or why there is none, in words for the person who asked.
pub fn export(run_json: &str, request: &ExportRequest) -> Result<String, String> {
    let start = Start::from_link(run_json)?;
    let config = SimConfig {
        seed: start.seed,
        ..SimConfig::default()
    };
    let fresh = start.model.start(&config).map_err(|e| e.to_string())?;
    let geometry = DiagramGeometry::new(fresh.topology());
    let mut layer = TokenLayer::new(geometry.edges.len());
    let inputs = start.replay.unwrap_or_default();
    let sim = Journal::replay(fresh, inputs, |s, did| {
        layer.absorb(&geometry, did, |id| {
            s.message(id)
                .and_then(|m| geometry.route(s.topology(), m).dead_end)
        });
    })
    .map_err(|(at, e)| format!("the run could not be replayed (input {}: {e})", at + 1))?
    .sim;
    layer.prune(sim.now());
    write(&sim, &geometry, &layer, request)
}

fn write(
    sim: &Sim,
    geometry: &DiagramGeometry,
    layer: &TokenLayer,
    request: &ExportRequest,
) -> Result<String, String> {
    let nothing = || Err("No messages yet: start a scenario first.".to_string());
    match request.what.as_str() {
        "mermaid" => {
            let ids = match request.selected.filter(|&id| sim.message(id).is_some()) {
                Some(id) => correlation_messages(sim, id),
                None => request
                    .window
                    .map(|w| window_messages(sim, w))
                    .unwrap_or_default(),
            };
            if ids.is_empty() {
                return Err("Nothing to draw yet: select a message, or show the sequence while messages travel.".into());
            }
            Ok(sequence_diagram(sim, &ids))
        }
        "svg" => {
            let placed: Vec<PlacedToken> = layer.placed(geometry, sim.now(), false).collect();
            let state = DiagramState::of(sim, None, None);
            Ok(standalone_svg(
                sim.topology(),
                geometry,
                &state,
                &placed,
                &request.css,
            ))
        }
        "otlp" | "log" if sim.messages().len() == 0 => nothing(),
        "otlp" => Ok(traces(sim).to_string()),
        "log" => Ok(envelopes_jsonl(sim)),
        other => Err(format!("there is no export called \"{other}\"")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;
    use crate::share::SharedRun;
    use crate::sim::{Input, Scenario};

    /// A link's JSON for the airline after Book FL123 and `ms` of simulated time.
    fn run_after(ms: u64) -> (String, Sim) {
        let mut sim = Sim::airline(SimConfig::default());
        let mut journal = Journal::default();
        let action = crate::loaded::LoadedModel::airline()
            .scenario_input("Book FL123", sim.topology())
            .unwrap();
        journal.apply(&mut sim, action).unwrap();
        journal.apply(&mut sim, Input::AdvanceTo(ms)).unwrap();
        let run = SharedRun {
            model: json!("airline"),
            seed: SimConfig::default().seed,
            inputs: journal.inputs().to_vec(),
        };
        (run.to_json(sim.topology()), sim)
    }

    fn ask(what: &str, selected: Option<MessageId>) -> ExportRequest {
        ExportRequest::from_value(&json!({"what": what, "selected": selected, "css": ".x{}"}))
    }

    #[test]
    fn the_replayed_run_exports_what_the_page_has() {
        let (link, page) = run_after(9_000);
        let log = export(&link, &ask("log", None)).unwrap();
        assert_eq!(log, envelopes_jsonl(&page), "the replay is the page's run");
        let otlp = export(&link, &ask("otlp", None)).unwrap();
        assert_eq!(otlp, traces(&page).to_string());
        let mermaid = export(&link, &ask("mermaid", Some(4))).unwrap();
        assert_eq!(
            mermaid,
            sequence_diagram(&page, &correlation_messages(&page, 4))
        );
        let svg = export(&link, &ask("svg", None)).unwrap();
        assert!(svg.contains("<style>.x{}"));
        let _ = Scenario::BookFl123;
    }

    #[test]
    fn a_mid_flight_svg_draws_the_tokens_in_flight() {
        let (link, _) = run_after(300);
        let svg = export(&link, &ask("svg", None)).unwrap();
        assert!(svg.contains("token-shape token-command\" d="), "{svg}");
    }

    #[test]
    fn nothing_to_export_and_bad_requests_are_said() {
        let (link, _) = run_after(0);
        let fresh = r#"{"contrailLink":1,"model":"airline","seed":42,"inputs":[]}"#;
        assert!(export(fresh, &ask("otlp", None))
            .unwrap_err()
            .contains("No messages"));
        assert!(export(fresh, &ask("mermaid", None))
            .unwrap_err()
            .contains("Nothing to draw"));
        assert!(export(&link, &ask("pdf", None))
            .unwrap_err()
            .contains("\"pdf\""));
        assert!(export("{", &ask("log", None)).is_err());
    }
}
