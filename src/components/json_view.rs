use leptos::prelude::*;
use serde_json::Value;

/// A JSON value, pretty-printed as a tree: keys and values coloured by type, objects and
/// arrays collapsible. Every string is inserted as a text node, so payload text can never
/// become markup.
#[component]
pub fn JsonView(
    /// The value to show.
    value: Value,
    /// Objects and arrays nested deeper than this start collapsed.
    #[prop(default = 4)]
    open_depth: usize,
) -> impl IntoView {
    view! { <ul class="json-view">{json_node(None, &value, 0, open_depth)}</ul> }
}

fn json_node(key: Option<String>, value: &Value, depth: usize, open_depth: usize) -> AnyView {
    let key_view = key.map(|key| {
        view! {
            <span class="json-key">{format!("\"{key}\"")}</span>
            <span class="json-punct">": "</span>
        }
    });
    match value {
        Value::Object(map) => {
            let summary = format!("{{ {} }}", plural(map.len(), "key"));
            let children = map
                .iter()
                .map(|(k, v)| json_node(Some(k.clone()), v, depth + 1, open_depth))
                .collect::<Vec<_>>();
            branch(key_view, summary, children, depth < open_depth)
        }
        Value::Array(items) => {
            let summary = format!("[ {} ]", plural(items.len(), "item"));
            let children = items
                .iter()
                .map(|v| json_node(None, v, depth + 1, open_depth))
                .collect::<Vec<_>>();
            branch(key_view, summary, children, depth < open_depth)
        }
        leaf => {
            let (class, text) = match leaf {
                Value::String(s) => ("json-string", format!("\"{s}\"")),
                Value::Number(n) => ("json-number", n.to_string()),
                Value::Bool(b) => ("json-bool", b.to_string()),
                _ => ("json-null", "null".to_string()),
            };
            view! {
                <li class="json-leaf">{key_view}<span class=class>{text}</span></li>
            }
            .into_any()
        }
    }
}

/// An object or array: a disclosure whose summary says how much is inside.
fn branch(
    key_view: Option<impl IntoView + 'static>,
    summary: String,
    children: Vec<AnyView>,
    open: bool,
) -> AnyView {
    view! {
        <li>
            <details class="json-branch" open=open>
                <summary>{key_view}<span class="json-punct">{summary}</span></summary>
                <ul class="json-children">{children}</ul>
            </details>
        </li>
    }
    .into_any()
}

fn plural(count: usize, noun: &str) -> String {
    if count == 1 {
        format!("1 {noun}")
    } else {
        format!("{count} {noun}s")
    }
}
