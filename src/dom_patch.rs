//! Brings a container's children in line with a `markup` description, position by
//! position, touching only the attributes and texts that differ from the description
//! applied last time. The container's children must be this module's alone.
//!
//! Elements stay where they are when only their contents change, so a focused row keeps
//! its focus and the browser re-lays out only what moved.

use wasm_bindgen::JsCast;
use web_sys::{Document, Element as DomElement, Node as DomNode};

use crate::markup::{Element, Node};

const SVG_NAMESPACE: &str = "http://www.w3.org/2000/svg";

/// Patches `parent`'s children from `old` (what was applied last, empty the first time) to
/// `new`.
pub fn patch_children(parent: &DomElement, old: &[Node], new: &[Node]) {
    let Some(document) = parent.owner_document() else {
        return;
    };
    let namespace = parent.namespace_uri();
    let children = parent.child_nodes();
    for (index, node) in new.iter().enumerate() {
        let existing = children.item(index as u32);
        match (existing, old.get(index)) {
            (Some(dom), Some(previous)) if same_kind(previous, node) => {
                patch_node(&dom, previous, node);
            }
            (existing, _) => {
                let Some(created) = create(&document, namespace.as_deref(), node) else {
                    continue;
                };
                let _ = match existing {
                    Some(dom) => parent.replace_child(&created, &dom),
                    None => parent.append_child(&created),
                };
            }
        }
    }
    while children.length() as usize > new.len() {
        if let Some(last) = parent.last_child() {
            let _ = parent.remove_child(&last);
        }
    }
}

/// Patches `parent`'s children from `old` to `new`, each a list sorted by a key that names
/// the same thing from one patch to the next (a message's leg, a second of the clock). A
/// child whose key stays is touched only if its markup changed; a view that slides over a
/// long list adds and removes children at its ends instead of rewriting every position.
pub fn patch_keyed(parent: &DomElement, old: &[(u64, Node)], new: &[(u64, Node)]) {
    let Some(document) = parent.owner_document() else {
        return;
    };
    let namespace = parent.namespace_uri();
    let children = parent.child_nodes();
    let (mut i, mut j, mut at) = (0, 0, 0u32);
    while i < old.len() || j < new.len() {
        match (old.get(i), new.get(j)) {
            (Some((ko, no)), Some((kn, nn))) if ko == kn => {
                if no != nn {
                    if let Some(dom) = children.item(at) {
                        patch_node(&dom, no, nn);
                    }
                }
                (i, j, at) = (i + 1, j + 1, at + 1);
            }
            (Some((ko, _)), next) if next.is_none_or(|(kn, _)| ko < kn) => {
                if let Some(dom) = children.item(at) {
                    let _ = parent.remove_child(&dom);
                }
                i += 1;
            }
            (_, Some((_, nn))) => {
                if let Some(created) = create(&document, namespace.as_deref(), nn) {
                    let _ = parent.insert_before(&created, children.item(at).as_ref());
                }
                (j, at) = (j + 1, at + 1);
            }
            _ => break,
        }
    }
}

fn same_kind(a: &Node, b: &Node) -> bool {
    match (a, b) {
        (Node::Text(_), Node::Text(_)) => true,
        (Node::Element(a), Node::Element(b)) => a.tag == b.tag,
        _ => false,
    }
}

fn patch_node(dom: &DomNode, old: &Node, new: &Node) {
    match (old, new) {
        (Node::Text(old), Node::Text(new)) if old != new => dom.set_node_value(Some(new)),
        (Node::Element(old), Node::Element(new)) => {
            let Some(element) = dom.dyn_ref::<DomElement>() else {
                return;
            };
            for (name, value) in &new.attrs {
                if old.get(name) != Some(value.as_str()) {
                    let _ = element.set_attribute(name, value);
                }
            }
            for (name, _) in &old.attrs {
                if new.get(name).is_none() {
                    let _ = element.remove_attribute(name);
                }
            }
            if old.children != new.children {
                patch_children(element, &old.children, &new.children);
            }
        }
        _ => {}
    }
}

fn create(document: &Document, namespace: Option<&str>, node: &Node) -> Option<DomNode> {
    match node {
        Node::Text(text) => Some(document.create_text_node(text).into()),
        Node::Element(element) => Some(create_element(document, namespace, element)?.into()),
    }
}

fn create_element(
    document: &Document,
    namespace: Option<&str>,
    element: &Element,
) -> Option<DomElement> {
    // An `svg` starts the SVG namespace, and everything inside it stays there.
    let namespace = if element.tag == "svg" {
        Some(SVG_NAMESPACE)
    } else {
        namespace
    };
    let dom = document.create_element_ns(namespace, element.tag).ok()?;
    for (name, value) in &element.attrs {
        let _ = dom.set_attribute(name, value);
    }
    patch_children(&dom, &[], &element.children);
    Some(dom)
}

/// Sets `element`'s text, unless it already says that: a refresh that writes the same words
/// again would still cost the browser a style and layout pass.
pub fn set_text(element: &DomElement, text: &str) {
    if element.text_content().as_deref() != Some(text) {
        element.set_text_content(Some(text));
    }
}

/// Sets one of `element`'s attributes, unless it already has that value (see [`set_text`]).
pub fn set_attribute(element: &DomElement, name: &str, value: &str) {
    if element.get_attribute(name).as_deref() != Some(value) {
        let _ = element.set_attribute(name, value);
    }
}
