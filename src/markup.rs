//! Markup as plain data: what a view under constant change, such as the log's rows, should
//! look like, described by a pure function and tested natively. `dom_patch` brings the page
//! in line with it, touching only what changed; `to_html` writes it out as text.
//!
//! Why not a Leptos view: a view rebuilt in place ten times a second with new contents in
//! every row cost its whole frame (erased attributes are removed and set again on every
//! rebuild), and each distinct row view added its own code to the wasm.

/// An element or a run of text.
#[derive(Clone, Debug, PartialEq)]
pub enum Node {
    Element(Element),
    /// Text, always set as text: never parsed as markup.
    Text(String),
}

/// One element: its tag, its attributes in order, and its children.
#[derive(Clone, Debug, PartialEq)]
pub struct Element {
    pub tag: &'static str,
    pub attrs: Vec<(&'static str, String)>,
    pub children: Vec<Node>,
}

impl Element {
    pub fn new(tag: &'static str) -> Self {
        Self {
            tag,
            attrs: Vec::new(),
            children: Vec::new(),
        }
    }

    pub fn attr(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.attrs.push((name, value.into()));
        self
    }

    /// The attribute only when `present` (a boolean attribute, or one that is absent
    /// rather than empty).
    pub fn attr_if(self, present: bool, name: &'static str, value: impl Into<String>) -> Self {
        if present {
            self.attr(name, value)
        } else {
            self
        }
    }

    pub fn child(mut self, child: impl Into<Node>) -> Self {
        self.children.push(child.into());
        self
    }

    pub fn text(self, text: impl Into<String>) -> Self {
        self.child(Node::Text(text.into()))
    }

    /// The value of attribute `name`, if set.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    }
}

impl From<Element> for Node {
    fn from(element: Element) -> Self {
        Node::Element(element)
    }
}

/// The nodes as HTML text, with every attribute value and text escaped, so that what a
/// model or a user wrote shows as the characters they wrote.
pub fn to_html(nodes: &[Node]) -> String {
    let mut out = String::new();
    for node in nodes {
        write_node(&mut out, node);
    }
    out
}

fn write_node(out: &mut String, node: &Node) {
    match node {
        Node::Text(text) => escape_into(out, text),
        Node::Element(element) => {
            out.push('<');
            out.push_str(element.tag);
            for (name, value) in &element.attrs {
                out.push(' ');
                out.push_str(name);
                out.push_str("=\"");
                escape_into(out, value);
                out.push('"');
            }
            out.push('>');
            // A void element has neither children nor an end tag.
            if element.tag == "input" {
                return;
            }
            for child in &element.children {
                write_node(out, child);
            }
            out.push_str("</");
            out.push_str(element.tag);
            out.push('>');
        }
    }
}

/// `text` with HTML's special characters escaped, for text or an attribute's value.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    escape_into(&mut out, text);
    out
}

fn escape_into(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_escapes_text_and_attributes() {
        let hostile = "<img src=x onerror=alert(1)>";
        let node: Node = Element::new("li")
            .attr("data-type", format!("\"{hostile}\" & 'more'"))
            .text(hostile)
            .into();
        let html = to_html(&[node]);
        assert_eq!(
            html,
            "<li data-type=\"&quot;&lt;img src=x onerror=alert(1)&gt;&quot; &amp; &#39;more&#39;\">\
             &lt;img src=x onerror=alert(1)&gt;</li>"
        );
        assert!(!html.contains("<img"));
    }

    #[test]
    fn optional_attributes_are_absent_rather_than_empty() {
        let element = Element::new("button")
            .attr_if(false, "aria-current", "true")
            .attr_if(true, "type", "button");
        assert_eq!(element.get("aria-current"), None);
        assert_eq!(element.get("type"), Some("button"));
        assert_eq!(
            to_html(&[element.into()]),
            "<button type=\"button\"></button>"
        );
    }
}
