//! What the worker (`src/bin/import_worker.rs`) answers besides imports and exports: the
//! model editor's markup and the edits made in it. They live here, off the first load,
//! because only a person changing a model needs them. Requests and replies are JSON text:
//!
//! * `{"op": "editor", "model": …}` → `{"html": "…"}`, the editor's panels;
//! * `{"op": "edit", "model": …, "kind": ["BookFlight", "event"]}`, or `"remove": 2`, or
//!   `"add": 0` (an index into the reactions offered) → `{"model": …}`, the changed model;
//! * `{"op": "flow-export", "run": "<share link JSON>", "what": "mermaid"|"svg"|"otlp"|"log",
//!   "selected": id, "window": [from, to], "css": "…"}` → `{"text": "…"}` (see `flow::exports`);
//! * any of them → `{"error": "…"}` when it cannot.

use crate::json;

use serde_json::Value;

use crate::flow::exports::{export, ExportRequest};
use crate::markup::{to_html, Element, Node};
use crate::model_edit_markup::{kind_named, kinds_markup, reaction_choices, reactions_markup};
use crate::sim::model::Model;

fn error(reason: impl Into<String>) -> String {
    json!({ "error": reason.into() }).to_string()
}

/// The reply to one text request.
pub fn answer_text(request: &str) -> String {
    let Ok(request) = serde_json::from_str::<Value>(request) else {
        return error("the request is not JSON");
    };
    if request.get("op").and_then(Value::as_str) == Some("flow-export") {
        let run = request
            .get("run")
            .and_then(Value::as_str)
            .unwrap_or_default();
        return match export(run, &ExportRequest::from_value(&request)) {
            Ok(text) => json!({ "text": text }).to_string(),
            Err(why) => error(why),
        };
    }
    let model = match request.get("model").map(Model::from_value) {
        Some(Ok(model)) => model,
        Some(Err(e)) => return error(format!("the model cannot be read: {e}")),
        None => return error("the request has no model"),
    };
    match request.get("op").and_then(Value::as_str) {
        Some("editor") => json!({ "html": editor_html(&model) }).to_string(),
        Some("edit") => match edit(&model, &request) {
            Ok(changed) => json!({ "model": changed.to_json() }).to_string(),
            Err(why) => error(why),
        },
        _ => error("the worker does not know this request"),
    }
}

/// The editor's panels: Message kinds (when some kind was decided by a rule) and Reactions.
pub fn editor_html(model: &Model) -> String {
    let mut sections: Vec<Node> = Vec::new();
    if model.messages.iter().any(|m| m.kind_rule.is_some()) {
        let mut kinds = Element::new("section")
            .attr("class", "message-kinds")
            .attr("aria-label", "Message kinds");
        kinds.children = kinds_markup(model);
        sections.push(kinds.into());
    }
    let mut reactions = Element::new("section")
        .attr("class", "reactions")
        .attr("aria-label", "Reactions");
    reactions.children = reactions_markup(model);
    sections.push(reactions.into());
    to_html(&sections)
}

fn edit(model: &Model, request: &Value) -> Result<Model, String> {
    if let Some(pair) = request.get("kind").and_then(Value::as_array) {
        let name = pair.first().and_then(Value::as_str).unwrap_or_default();
        let kind = pair
            .get(1)
            .and_then(Value::as_str)
            .and_then(kind_named)
            .ok_or_else(|| "the kind is command, event or query".to_string())?;
        return model
            .with_kind(name, kind)
            .map_err(|why| format!("{name} cannot become {}: {why}", kind.as_str()));
    }
    if let Some(i) = request.get("remove").and_then(Value::as_u64) {
        return model
            .without_reaction(i as usize)
            .map_err(|why| format!("the reaction could not be removed: {why}"));
    }
    if let Some(i) = request.get("add").and_then(Value::as_u64) {
        let reaction = reaction_choices(model)
            .into_iter()
            .nth(i as usize)
            .ok_or_else(|| "that reaction is no longer offered".to_string())?;
        return model
            .with_reaction(reaction)
            .map_err(|why| format!("the reaction could not be added: {why}"));
    }
    Err("the edit names no change".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cqrs() -> Value {
        serde_json::from_str(include_str!("../models/cqrs.json")).unwrap()
    }

    fn ask(request: Value) -> Value {
        serde_json::from_str(&answer_text(&request.to_string())).unwrap()
    }

    #[test]
    fn a_kind_override_comes_back_as_the_changed_model() {
        let reply =
            ask(json!({"op": "edit", "model": cqrs(), "kind": ["MoneyDeposited", "command"]}));
        let model = Model::from_value(&reply["model"]).unwrap();
        let m = model.message("MoneyDeposited").unwrap();
        assert_eq!(m.kind.kind_name(), "command");
        assert_eq!(m.kind_rule, Some(crate::sim::KindRule::Override));
    }

    #[test]
    fn reactions_are_removed_and_added_by_index() {
        let removed = ask(json!({"op": "edit", "model": cqrs(), "remove": 0}));
        let fewer = &removed["model"];
        assert_eq!(fewer["reactions"].as_array().unwrap().len(), 1);
        let added = ask(json!({"op": "edit", "model": fewer, "add": 0}));
        assert_eq!(added["model"]["reactions"].as_array().unwrap().len(), 2);
        let html = ask(json!({"op": "editor", "model": fewer}))["html"]
            .as_str()
            .unwrap()
            .to_string();
        assert!(
            html.starts_with(r#"<section class="reactions" aria-label="Reactions">"#),
            "{html}"
        );
        assert!(html.contains("Add reaction"));
    }

    #[test]
    fn refusals_are_said_and_bad_requests_named() {
        let reply = ask(json!({"op": "edit", "model": cqrs(), "kind": ["DepositMoney", "query"]}));
        assert!(
            reply["error"]
                .as_str()
                .unwrap()
                .starts_with("DepositMoney cannot become query: "),
            "{reply}"
        );
        assert_eq!(
            ask(json!({"op": "edit", "model": cqrs(), "add": 5}))["error"],
            "that reaction is no longer offered"
        );
        assert_eq!(
            answer_text("nope"),
            r#"{"error":"the request is not JSON"}"#
        );
        assert!(
            ask(json!({"op": "editor", "model": {"contrail": 1}}))["error"]
                .as_str()
                .unwrap()
                .starts_with("the model cannot be read")
        );
    }
}
