//! The model the page runs: the airline with its Rust behaviours, a gallery model, or a
//! model the user opened. Everything the page derives (the simulation, the diagram, the
//! log's services, the scenario buttons, the composer's examples) comes from this one value,
//! so loading another model changes all of it at once.

use std::sync::Arc;

use serde_json::Value;

use crate::compose::Choice;
use crate::share::LinkDoc;
use crate::sim::airline::payloads;
use crate::sim::model::{MessageSpec, Model};
use crate::sim::{
    Input, MessageKind, Scenario, Sim, SimConfig, SimError, SimTime, Topology, UserMessage,
};

/// The built-in models, by the key a share link names them with, and their titles.
pub const GALLERY: [(&str, &str); 3] = [
    ("airline", "Airline (the article)"),
    ("saga", "Order saga"),
    ("cqrs", "CQRS read model"),
];

/// How the page's simulation is made.
#[derive(Clone, Debug)]
enum Behaviour {
    /// The airline's Rust services: points, pricing, seats, traffic, what-if presets.
    Airline,
    /// Every service runs the model's reactions.
    Declared(Arc<Model>, DeclaredRun),
}

/// A scenario's inputs, each at its time.
type Script = Vec<(SimTime, UserMessage)>;

/// What a model read from a document needs to run: its declarative services, its scenarios
/// and writing it back as a document. Only the model reader makes a declared model, and it
/// hands these over with it, so in the release build their code comes in the reader's part
/// (see `model_reader.rs`) instead of the first load.
#[derive(Clone, Copy)]
struct DeclaredRun {
    start: fn(&Arc<Model>, SimConfig) -> Result<Sim, SimError>,
    script: fn(&Model, &str) -> Result<Script, SimError>,
    to_json: fn(&Model) -> Value,
}

impl std::fmt::Debug for DeclaredRun {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DeclaredRun")
    }
}

const DECLARED_RUN: DeclaredRun = DeclaredRun {
    start: Model::sim,
    script: Model::scenario_script,
    to_json: Model::to_json,
};

/// A model the page can run.
#[derive(Clone, Debug)]
pub struct LoadedModel {
    /// A gallery key, or `None` for a model the user opened (a link then carries it whole).
    pub key: Option<&'static str>,
    pub title: String,
    behaviour: Behaviour,
}

impl PartialEq for LoadedModel {
    fn eq(&self, other: &Self) -> bool {
        self.key == other.key && self.title == other.title && self.to_json() == other.to_json()
    }
}

impl LoadedModel {
    /// The airline, as the page opens.
    pub fn airline() -> Self {
        LoadedModel {
            key: Some("airline"),
            title: GALLERY[0].1.into(),
            behaviour: Behaviour::Airline,
        }
    }

    /// A gallery model by its key.
    pub fn gallery(key: &str) -> Option<Self> {
        let (key, title) = GALLERY.into_iter().find(|(k, _)| *k == key)?;
        let text = match key {
            "airline" => return Some(Self::airline()),
            "saga" => include_str!("../models/saga.json"),
            "cqrs" => include_str!("../models/cqrs.json"),
            _ => return None,
        };
        let model = Model::parse(text).ok()?;
        Some(LoadedModel {
            key: Some(key),
            title: title.into(),
            behaviour: Behaviour::Declared(Arc::new(model), DECLARED_RUN),
        })
    }

    /// A model the user opened or pasted, or why it cannot run. Nothing else changes when
    /// it is refused: the caller keeps the model it had.
    pub fn from_text(text: &str) -> Result<Self, String> {
        let model = Model::parse(text).map_err(|e| e.to_string())?;
        Self::declared(model)
    }

    /// A model carried whole by a share link.
    pub fn from_value(doc: &Value) -> Result<Self, String> {
        let model = Model::from_value(doc).map_err(|e| e.to_string())?;
        Self::declared(model)
    }

    /// The model Contrail's reader made of a document, for the changes the person makes to it
    /// (a kind overridden, a reaction added); `None` for the airline, whose behaviours are Rust.
    pub fn model(&self) -> Option<&Arc<Model>> {
        match &self.behaviour {
            Behaviour::Airline => None,
            Behaviour::Declared(model, _) => Some(model),
        }
    }

    /// A model the person changed or imported, checked as one they opened would be.
    pub fn from_model(model: Model) -> Result<Self, String> {
        Self::declared(model)
    }

    fn declared(model: Model) -> Result<Self, String> {
        // A model that parses may still be refused by the engine (a topology rule the
        // reader does not know); find out now, not when the page starts it.
        model.to_topology().map_err(|e| e.to_string())?;
        Ok(LoadedModel {
            key: None,
            title: model.name.clone(),
            behaviour: Behaviour::Declared(Arc::new(model), DECLARED_RUN),
        })
    }

    /// Whether this is the airline with its Rust behaviours (traffic, what-if presets).
    pub fn is_airline(&self) -> bool {
        matches!(self.behaviour, Behaviour::Airline)
    }

    /// Who talks to whom in this model.
    pub fn topology(&self) -> Result<Topology, SimError> {
        match &self.behaviour {
            Behaviour::Airline => crate::sim::airline::airline_topology(),
            Behaviour::Declared(model, _) => model.to_topology(),
        }
    }

    /// This model at rest ([`Sim::at_rest`]): what the page draws and runs its clock on
    /// until the engine's part is there (see `engine.rs`). A model is checked when it is
    /// loaded; one the engine still refused would show as an empty diagram.
    pub fn at_rest(&self, config: &SimConfig) -> Sim {
        let topology = self.topology().unwrap_or_else(|_| Topology::new());
        Sim::at_rest(topology, config.clone())
    }

    /// A fresh simulation of this model.
    pub fn start(&self, config: &SimConfig) -> Result<Sim, SimError> {
        match &self.behaviour {
            Behaviour::Airline => Ok(Sim::airline(config.clone())),
            Behaviour::Declared(model, run) => (run.start)(model, config.clone()),
        }
    }

    /// The model as a document, for Save model and for links to a model of the user's.
    pub fn to_json(&self) -> Value {
        match &self.behaviour {
            // The model's writer, not the file's text: the page carries the airline as Rust.
            Behaviour::Airline => crate::sim::airline::airline_model().to_json(),
            Behaviour::Declared(model, run) => (run.to_json)(model),
        }
    }

    /// The scenario buttons' names.
    pub fn scenarios(&self) -> Vec<String> {
        match &self.behaviour {
            Behaviour::Airline => Scenario::ALL.iter().map(|s| s.label().into()).collect(),
            Behaviour::Declared(model, _) => {
                model.scenarios.iter().map(|s| s.name.clone()).collect()
            }
        }
    }

    /// The input a scenario button feeds the run.
    pub fn scenario_input(&self, name: &str, topology: &Topology) -> Result<Input, SimError> {
        match &self.behaviour {
            Behaviour::Airline => {
                let scenario = Scenario::ALL
                    .into_iter()
                    .find(|s| s.label() == name)
                    .ok_or_else(|| SimError::InvalidInput {
                        reason: format!("the airline has no scenario \"{name}\""),
                    })?;
                Ok(Input::Send(scenario.action().to_send(topology)?))
            }
            Behaviour::Declared(model, run) => Ok(Input::Script((run.script)(model, name)?)),
        }
    }

    /// The example the composer starts from: a command's or event's payload, or a query's
    /// route parameters.
    pub fn example(&self, choice: &Choice) -> Option<Value> {
        match &self.behaviour {
            Behaviour::Airline => match choice.kind {
                MessageKind::Query => payloads::query_example(&choice.name),
                _ => payloads::example(&choice.name),
            },
            Behaviour::Declared(model, _) => model
                .messages
                .iter()
                .find(|m| match (&m.kind, choice.kind) {
                    (MessageSpec::Query { route, .. }, MessageKind::Query) => *route == choice.name,
                    (MessageSpec::Command { .. }, MessageKind::Command)
                    | (MessageSpec::Event { .. }, MessageKind::Event) => m.name == choice.name,
                    _ => false,
                })
                .map(|m| m.example.clone()),
        }
    }
}

/// A file name made of a model's title.
pub fn file_slug(title: &str) -> String {
    let mut slug = String::new();
    for c in title.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    let slug = slug.trim_end_matches('-');
    if slug.is_empty() {
        "model".into()
    } else {
        slug.into()
    }
}

/// How the page starts: which model, which seed, and the run a link brought, if any.
#[derive(Clone, Debug, PartialEq)]
pub struct Start {
    pub model: LoadedModel,
    pub seed: u64,
    /// A shared run's inputs, replayed onto the fresh start, which then waits paused.
    pub replay: Option<Vec<Input>>,
    /// Something to tell the person as the page starts (a link that could not be opened).
    pub notice: Option<String>,
    /// A link is being unpacked: start paused and say so.
    pub opening_link: bool,
}

impl Start {
    /// `model`, fresh, with the default seed.
    pub fn fresh(model: LoadedModel) -> Self {
        Start {
            model,
            seed: SimConfig::default().seed,
            replay: None,
            notice: None,
            opening_link: false,
        }
    }

    /// The start a link's JSON text describes, or why it cannot be opened.
    pub fn from_link(text: &str) -> Result<Self, String> {
        let doc = LinkDoc::read(text).map_err(|e| e.to_string())?;
        let model = match &doc.model {
            Value::String(key) => LoadedModel::gallery(key)
                .ok_or_else(|| format!("its model \"{key}\" is not built in"))?,
            whole => LoadedModel::from_value(whole).map_err(|e| format!("its model: {e}"))?,
        };
        let topology = model.topology().map_err(|e| e.to_string())?;
        let inputs = doc.inputs(&topology).map_err(|e| e.to_string())?;
        Ok(Start {
            model,
            seed: doc.seed,
            replay: Some(inputs),
            notice: None,
            opening_link: false,
        })
    }

    /// The airline, telling why a link could not be opened.
    pub fn refused_link(why: &str) -> Self {
        Start {
            notice: Some(format!(
                "This link could not be opened: {why}. The airline is loaded instead."
            )),
            ..Start::fresh(LoadedModel::airline())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::{Journal, ServiceIdx};

    #[test]
    fn every_gallery_model_starts_and_plays_each_of_its_scenarios() {
        for (key, title) in GALLERY {
            let loaded = LoadedModel::gallery(key).unwrap();
            assert_eq!((loaded.key, loaded.title.as_str()), (Some(key), title));
            assert_eq!(loaded.is_airline(), key == "airline");
            let scenarios = loaded.scenarios();
            assert!(!scenarios.is_empty(), "{key} has scenarios");
            for name in scenarios {
                let mut sim = loaded.start(&SimConfig::default()).unwrap();
                let input = loaded.scenario_input(&name, sim.topology()).unwrap();
                let mut journal = Journal::default();
                journal.apply(&mut sim, input).unwrap();
                sim.run_until_idle(100_000);
                assert!(sim.messages().count() >= 2, "{key}: {name} did something");
            }
        }
        assert!(LoadedModel::gallery("payroll").is_none());
    }

    #[test]
    fn the_composer_starts_from_each_message_s_example() {
        for (key, _) in GALLERY {
            let loaded = LoadedModel::gallery(key).unwrap();
            let sim = loaded.start(&SimConfig::default()).unwrap();
            let t = sim.topology();
            for sender in crate::compose::senders(t) {
                for choice in crate::compose::choices(t, sender as ServiceIdx) {
                    assert!(loaded.example(&choice).is_some(), "{key}: {choice:?}");
                }
            }
        }
    }

    #[test]
    fn a_model_of_the_user_s_reads_back_whole_and_bad_ones_say_why() {
        let saga = LoadedModel::gallery("saga").unwrap();
        let text = saga.to_json().to_string();
        let opened = LoadedModel::from_text(&text).unwrap();
        assert_eq!(opened.key, None);
        assert_eq!(opened.to_json(), saga.to_json());
        assert_eq!(LoadedModel::from_value(&saga.to_json()).unwrap(), opened);
        let error = LoadedModel::from_text("{\"contrail\": 1,").unwrap_err();
        assert!(error.contains("line 1"), "{error}");
        assert!(LoadedModel::airline().to_json()["services"].is_array());
    }

    #[test]
    fn the_airline_saves_as_the_model_its_file_describes() {
        let saved = LoadedModel::airline().to_json();
        let file = crate::sim::model::Model::parse(include_str!("../models/airline.json"));
        assert_eq!(
            crate::sim::model::Model::from_value(&saved).unwrap(),
            file.unwrap()
        );
        let example = payloads::example("CreateBooking").unwrap();
        assert_eq!(example["commandType"], "CreateBooking");
        let route = "GET /api/loyalty/customers/{customerId}/points";
        assert_eq!(
            payloads::query_example(route).unwrap(),
            crate::json!({"customerId": "C12345"})
        );
        assert_eq!(payloads::example("GetLoyaltyPoints"), None);
    }

    #[test]
    fn a_link_names_a_gallery_model_or_carries_a_model_whole() {
        use crate::share::SharedRun;
        for model in [
            Value::from("cqrs"),
            LoadedModel::gallery("saga").unwrap().to_json(),
        ] {
            let loaded = match &model {
                Value::String(key) => LoadedModel::gallery(key).unwrap(),
                whole => LoadedModel::from_value(whole).unwrap(),
            };
            let sim = loaded.start(&SimConfig::default()).unwrap();
            let name = loaded.scenarios()[0].clone();
            let input = loaded.scenario_input(&name, sim.topology()).unwrap();
            let run = SharedRun {
                model: model.clone(),
                seed: 9,
                inputs: vec![input.clone(), Input::AdvanceTo(5_000)],
            };
            let start = Start::from_link(&run.to_json(sim.topology())).unwrap();
            assert_eq!(start.model, loaded);
            assert_eq!(start.seed, 9);
            assert_eq!(start.replay, Some(vec![input, Input::AdvanceTo(5_000)]));
        }
        let unknown = r#"{"contrailLink":1,"model":"payroll","seed":1,"inputs":[]}"#;
        assert!(Start::from_link(unknown)
            .unwrap_err()
            .contains("not built in"));
        let broken = r#"{"contrailLink":1,"model":{"contrail":1},"seed":1,"inputs":[]}"#;
        assert!(Start::from_link(broken)
            .unwrap_err()
            .starts_with("its model: "));
        assert!(Start::refused_link("why")
            .notice
            .unwrap()
            .contains("could not be opened: why. The airline is loaded instead."));
    }
}
