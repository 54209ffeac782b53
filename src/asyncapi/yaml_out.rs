//! JSON values written as block YAML, the form AsyncAPI documents are read and reviewed in.
//! Strings are always double-quoted (JSON's escapes are YAML's), so no value changes type on
//! the way back (`"3.0.0"`, `"yes"`, `"1e3"` stay strings).

use serde_json::Value;

/// `value` as a YAML document.
pub fn to_yaml(value: &Value) -> String {
    let mut out = String::new();
    match value {
        Value::Object(map) if !map.is_empty() => block(value, 0, &mut out),
        Value::Array(list) if !list.is_empty() => block(value, 0, &mut out),
        other => {
            out.push_str(&scalar(other));
            out.push('\n');
        }
    }
    out
}

fn scalar(v: &Value) -> String {
    match v {
        Value::Object(_) => "{}".into(),
        Value::Array(_) => "[]".into(),
        // A string always serialises.
        other => serde_json::to_string(other).unwrap_or_default(),
    }
}

fn is_block(v: &Value) -> bool {
    match v {
        Value::Object(m) => !m.is_empty(),
        Value::Array(l) => !l.is_empty(),
        _ => false,
    }
}

fn key(k: &str) -> String {
    let plain = k
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || matches!(c, '_' | '$'))
        && k.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '$' | '-' | '.'))
        && !matches!(
            k.to_ascii_lowercase().as_str(),
            "true" | "false" | "null" | "yes" | "no" | "on" | "off" | "y" | "n"
        );
    if plain {
        k.to_string()
    } else {
        scalar(&Value::from(k))
    }
}

fn block(v: &Value, indent: usize, out: &mut String) {
    let pad = " ".repeat(indent);
    match v {
        Value::Object(map) => {
            for (k, child) in map {
                out.push_str(&pad);
                out.push_str(&key(k));
                out.push(':');
                if is_block(child) {
                    out.push('\n');
                    block(child, indent + 2, out);
                } else {
                    out.push(' ');
                    out.push_str(&scalar(child));
                    out.push('\n');
                }
            }
        }
        Value::Array(list) => {
            for item in list {
                if is_block(item) {
                    // The item's first line goes after the dash: "- key: value".
                    let mut inner = String::new();
                    block(item, indent + 2, &mut inner);
                    out.push_str(&pad);
                    out.push_str("- ");
                    out.push_str(&inner[indent + 2..]);
                } else {
                    out.push_str(&pad);
                    out.push_str("- ");
                    out.push_str(&scalar(item));
                    out.push('\n');
                }
            }
        }
        other => {
            out.push_str(&pad);
            out.push_str(&scalar(other));
            out.push('\n');
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;

    #[test]
    fn nested_values_come_out_as_block_yaml() {
        let v = json!({
            "asyncapi": "3.0.0",
            "info": {"title": "Booking: \"the\" service", "version": "1.0.0"},
            "tags": [{"name": "a", "x": [1, 2.5]}, "plain", [], {}],
            "yes": true,
            "$ref": null
        });
        assert_eq!(
            to_yaml(&v),
            "asyncapi: \"3.0.0\"\ninfo:\n  title: \"Booking: \\\"the\\\" service\"\n  version: \"1.0.0\"\ntags:\n  - name: \"a\"\n    x:\n      - 1\n      - 2.5\n  - \"plain\"\n  - []\n  - {}\n\"yes\": true\n$ref: null\n"
        );
    }
}
