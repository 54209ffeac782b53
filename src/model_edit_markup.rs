//! The panels that change a loaded model, as markup (see `markup`): which kind each message
//! has and what decided it, and the reactions with what can be added. Built once per model
//! (the page is rebuilt when the model changes), so they cost the wasm a function each
//! rather than a view type per row; the components handle clicks and choices by delegation.

use crate::markup::{Element, Node};
use crate::sim::model::{describe_reaction, MessageSpec, Model, Output, Reaction};
use crate::sim::{KindRule, MessageKind, Role};

/// Most reactions offered to add, so a large model keeps a usable list.
pub const MAX_CHOICES: usize = 200;

const KINDS: [MessageKind; 3] = [MessageKind::Command, MessageKind::Event, MessageKind::Query];

/// The kind a `<select>` value names.
pub fn kind_named(value: &str) -> Option<MessageKind> {
    KINDS.into_iter().find(|k| k.as_str() == value)
}

/// Heading, hint and one row per message: its name, a choice of kind (`data-message`), and
/// what decided the kind, "guessed" in words when only the name did.
pub fn kinds_markup(model: &Model) -> Vec<Node> {
    let head = Element::new("tr")
        .child(Element::new("th").attr("scope", "col").text("Message"))
        .child(Element::new("th").attr("scope", "col").text("Kind"))
        .child(Element::new("th").attr("scope", "col").text("Decided by"));
    let mut body = Element::new("tbody");
    for m in &model.messages {
        let current = m.kind.message_kind();
        let mut select = Element::new("select")
            .attr("class", "kind-choice")
            .attr("data-message", m.name.clone())
            .attr("aria-label", format!("Kind of {}", m.name));
        for k in KINDS {
            select = select.child(
                Element::new("option")
                    .attr("value", k.as_str())
                    .attr_if(k == current, "selected", "")
                    .text(k.as_str()),
            );
        }
        let mut why = Element::new("td").attr("class", "kind-rule");
        if m.kind_rule == Some(KindRule::Name) {
            why = why.child(
                Element::new("strong")
                    .attr("class", "guessed")
                    .text("guessed: "),
            );
        }
        why = why.text(m.kind_rule.map_or("written in the model", KindRule::reason));
        body = body.child(
            Element::new("tr")
                .attr_if(
                    m.kind_rule.is_some(),
                    "data-kind-rule",
                    m.kind_rule.map(KindRule::as_str).unwrap_or_default(),
                )
                .child(Element::new("th").attr("scope", "row").text(m.name.clone()))
                .child(Element::new("td").child(select))
                .child(why),
        );
    }
    vec![
        Element::new("h2").text("Message kinds").into(),
        Element::new("p")
            .attr("class", "hint")
            .text("What decided each kind. Choose another to override it; the run starts again.")
            .into(),
        Element::new("table")
            .child(Element::new("thead").child(head))
            .child(body)
            .into(),
    ]
}

/// Reactions the person could add: for each service, each message it receives and each it
/// may send or publish, leaving out those the model already has. At most [`MAX_CHOICES`].
pub fn reaction_choices(model: &Model) -> Vec<Reaction> {
    let mut out = Vec::new();
    for s in model.services.iter().filter(|s| s.role != Role::Broker) {
        let id = s.id.as_str();
        let received = model.messages.iter().filter(|m| {
            !matches!(m.kind, MessageSpec::Query { .. })
                && m.kind.parties().1.iter().any(|x| x == id)
        });
        for on in received {
            for m in &model.messages {
                if !m.kind.parties().0.iter().any(|x| x == id) {
                    continue;
                }
                let output = match &m.kind {
                    MessageSpec::Command { .. } => Output::Send(m.name.clone()),
                    MessageSpec::Event { .. } => Output::Publish(m.name.clone()),
                    MessageSpec::Query { .. } => continue,
                };
                let exists = model.reactions.iter().any(|r| {
                    r.service == id && r.on == on.name && r.output.as_ref() == Some(&output)
                });
                if !exists && out.len() < MAX_CHOICES {
                    out.push(Reaction {
                        service: id.to_string(),
                        on: on.name.clone(),
                        first: None,
                        output: Some(output),
                        map: Vec::new(),
                        set: Vec::new(),
                    });
                }
            }
        }
    }
    out
}

/// Heading, the reactions in words with a Remove button each (`data-remove-reaction`), and
/// the reactions that can be added in one choice (values index [`reaction_choices`]).
pub fn reactions_markup(model: &Model) -> Vec<Node> {
    let mut nodes: Vec<Node> = vec![Element::new("h2").text("Reactions").into()];
    if model.reactions.is_empty() {
        nodes.push(
            Element::new("p")
                .attr("class", "hint")
                .text("No service reacts to anything yet: each message stops where it is handled.")
                .into(),
        );
    }
    let mut list = Element::new("ul").attr("class", "reaction-list");
    for (i, r) in model.reactions.iter().enumerate() {
        let words = describe_reaction(model, r);
        list = list.child(
            Element::new("li")
                .child(Element::new("span").text(words.clone()))
                .child(
                    Element::new("button")
                        .attr("type", "button")
                        .attr("data-remove-reaction", i.to_string())
                        .attr("aria-label", format!("Remove reaction: {words}"))
                        .text("Remove"),
                ),
        );
    }
    nodes.push(list.into());
    let choices = reaction_choices(model);
    if choices.is_empty() {
        nodes.push(
            Element::new("p")
                .attr("class", "hint")
                .text("Every reaction the model allows is already there.")
                .into(),
        );
        return nodes;
    }
    let mut select = Element::new("select")
        .attr("class", "reaction-choice")
        .attr("aria-label", "Reaction to add");
    for (i, r) in choices.iter().enumerate() {
        select = select.child(
            Element::new("option")
                .attr("value", i.to_string())
                .text(describe_reaction(model, r)),
        );
    }
    nodes.push(
        Element::new("div")
            .attr("class", "reaction-add")
            .attr("role", "group")
            .attr("aria-label", "Add a reaction")
            .child(select)
            .child(
                Element::new("button")
                    .attr("type", "button")
                    .attr("data-add-reaction", "")
                    .text("Add reaction"),
            )
            .into(),
    );
    nodes
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markup::to_html;

    fn cqrs() -> Model {
        Model::parse(include_str!("../models/cqrs.json")).unwrap()
    }

    #[test]
    fn kinds_show_the_current_kind_and_the_deciding_rule() {
        let mut m = cqrs();
        m.messages[0].kind_rule = Some(KindRule::Name);
        m.messages[1].kind_rule = Some(KindRule::Extension);
        let html = to_html(&kinds_markup(&m));
        assert!(
            html.contains(r#"<tr data-kind-rule="name"><th scope="row">DepositMoney</th>"#),
            "{html}"
        );
        assert!(
            html.contains(r#"<strong class="guessed">guessed: </strong>guessed from its name"#),
            "{html}"
        );
        assert!(html.contains("stated by x-eventcatalog-message-type"));
        assert!(
            html.contains(r#"<option value="command" selected="">command</option>"#),
            "{html}"
        );
        // A message whose model wrote the kind itself says so, without a rule attribute.
        assert!(
            html.contains(r#"<tr><th scope="row">GetAccount</th>"#),
            "{html}"
        );
        assert!(html.contains("written in the model"));
    }

    #[test]
    fn choices_offer_only_what_the_model_allows_and_does_not_have() {
        let m = cqrs();
        let choices = reaction_choices(&m);
        // accounts handles DepositMoney and publishes MoneyDeposited: that reaction exists,
        // so nothing is left for accounts; projection sends nothing.
        assert!(choices.is_empty(), "{choices:?}");
        let without = m.without_reaction(0).unwrap();
        let choices = reaction_choices(&without);
        assert_eq!(choices.len(), 1);
        assert_eq!(
            describe_reaction(&without, &choices[0]),
            "When Account Service (write model) handles DepositMoney: publish MoneyDeposited"
        );
        let html = to_html(&reactions_markup(&without));
        assert!(html.contains(r#"data-remove-reaction="0""#));
        assert!(html.contains(r#"<option value="0">When Account Service (write model) handles DepositMoney: publish MoneyDeposited</option>"#), "{html}");
    }

    #[test]
    fn names_from_a_model_are_text_not_markup() {
        let mut m = cqrs();
        m.services[1].name = "<img src=x onerror=alert(1)>".into();
        let html = to_html(&reactions_markup(&m));
        assert!(
            html.contains("&lt;img src=x onerror=alert(1)&gt;"),
            "{html}"
        );
        assert!(!html.contains("<img"));
    }
}
