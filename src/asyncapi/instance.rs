//! A minimal valid instance of a JSON Schema (AsyncAPI's Schema Object): the payload a
//! message starts from when its document gives no example. Required fields only, the first
//! of an enum, a value of each format a validator checks.

use serde_json::{Map, Value};

/// Deeper than this, a (recursive) schema gives `null`.
const MAX_DEPTH: usize = 24;

/// The smallest value `schema` accepts, as far as these rules tell.
pub fn instance_of(schema: &Value) -> Value {
    instance(schema, 0)
}

fn instance(schema: &Value, depth: usize) -> Value {
    let Some(s) = schema.as_object() else {
        return Value::Null;
    };
    if depth > MAX_DEPTH {
        return Value::Null;
    }
    if let Some(v) = s.get("const") {
        return v.clone();
    }
    if let Some(v) = s
        .get("examples")
        .and_then(Value::as_array)
        .and_then(|e| e.first())
    {
        return v.clone();
    }
    if let Some(v) = s.get("default") {
        return v.clone();
    }
    if let Some(v) = s
        .get("enum")
        .and_then(Value::as_array)
        .and_then(|e| e.first())
    {
        return v.clone();
    }
    if let Some(parts) = s.get("allOf").and_then(Value::as_array) {
        let mut merged = Value::Null;
        for part in parts {
            match (&mut merged, instance(part, depth + 1)) {
                (Value::Object(into), Value::Object(from)) => into.extend(from),
                (slot, v) if slot.is_null() => *slot = v,
                _ => {}
            }
        }
        // allOf's own properties (beside it) still apply.
        if let (Value::Object(into), Value::Object(own)) = (&mut merged, object(s, depth)) {
            into.extend(own);
        }
        return merged;
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(first) = s.get(key).and_then(Value::as_array).and_then(|e| e.first()) {
            return instance(first, depth + 1);
        }
    }
    let kind = match s.get("type") {
        Some(Value::String(t)) => t.as_str(),
        Some(Value::Array(ts)) => ts
            .iter()
            .filter_map(Value::as_str)
            .find(|t| *t != "null")
            .unwrap_or("null"),
        _ if s.contains_key("properties") || s.contains_key("required") => "object",
        _ if s.contains_key("items") => "array",
        _ => "any",
    };
    match kind {
        "object" => object(s, depth),
        "array" => {
            let n = s
                .get("minItems")
                .and_then(Value::as_u64)
                .unwrap_or(0)
                .min(16) as usize;
            let item = s
                .get("items")
                .map_or(Value::Null, |i| instance(i, depth + 1));
            Value::Array(vec![item; n])
        }
        "string" => Value::from(string(s)),
        "integer" => Value::from(number(s).ceil() as i64),
        "number" => serde_json::Number::from_f64(number(s)).map_or(Value::from(0), Value::Number),
        "boolean" => Value::Bool(false),
        "null" => Value::Null,
        // No type at all accepts anything; an empty object is the most useful payload.
        _ => Value::Object(Map::new()),
    }
}

fn object(s: &Map<String, Value>, depth: usize) -> Value {
    let props = s.get("properties").and_then(Value::as_object);
    let mut out = Map::new();
    for name in s
        .get("required")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
    {
        let sub = props.and_then(|p| p.get(name)).unwrap_or(&Value::Null);
        let v = if sub.is_null() {
            Value::from("")
        } else {
            instance(sub, depth + 1)
        };
        out.insert(name.to_string(), v);
    }
    Value::Object(out)
}

fn number(s: &Map<String, Value>) -> f64 {
    let get = |k: &str| s.get(k).and_then(Value::as_f64);
    match (get("minimum"), get("exclusiveMinimum"), get("maximum")) {
        (Some(min), _, _) => min,
        (None, Some(min), _) => min + 1.0,
        (None, None, Some(max)) if max < 0.0 => max,
        _ => 0.0,
    }
}

fn string(s: &Map<String, Value>) -> String {
    let text = match s.get("format").and_then(Value::as_str) {
        Some("date-time") => "2026-01-01T12:00:00Z",
        Some("date") => "2026-01-01",
        Some("time") => "12:00:00Z",
        Some("email") => "someone@example.com",
        Some("uuid") => "00000000-0000-4000-8000-000000000000",
        Some("uri" | "url" | "iri") => "https://example.com/",
        Some("hostname") => "example.com",
        Some("ipv4") => "192.0.2.1",
        Some("ipv6") => "2001:db8::1",
        _ => "text",
    };
    let min = s
        .get("minLength")
        .and_then(Value::as_u64)
        .unwrap_or(0)
        .min(256) as usize;
    let mut text = text.to_string();
    while text.chars().count() < min {
        text.push('x');
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;

    #[test]
    fn required_fields_only_with_enums_formats_and_bounds() {
        let schema = json!({
            "type": "object",
            "required": ["id", "at", "seat", "count", "price", "tags", "nested"],
            "properties": {
                "id": {"type": "string", "format": "uuid"},
                "at": {"type": "string", "format": "date-time"},
                "seat": {"type": "string", "enum": ["economy", "business"]},
                "count": {"type": "integer", "minimum": 1},
                "price": {"type": "number", "exclusiveMinimum": 0},
                "tags": {"type": "array", "minItems": 2, "items": {"type": "string", "minLength": 3}},
                "nested": {"required": ["ok"], "properties": {"ok": {"type": "boolean"}}},
                "optional": {"type": "string"}
            }
        });
        assert_eq!(
            instance_of(&schema),
            json!({
                "id": "00000000-0000-4000-8000-000000000000",
                "at": "2026-01-01T12:00:00Z",
                "seat": "economy",
                "count": 1,
                "price": 1.0,
                "tags": ["text", "text"],
                "nested": {"ok": false}
            })
        );
    }

    #[test]
    fn examples_defaults_and_combinations_win_over_types() {
        assert_eq!(
            instance_of(&json!({"type": "string", "examples": ["FL123"]})),
            json!("FL123")
        );
        assert_eq!(
            instance_of(&json!({"type": "integer", "default": 7})),
            json!(7)
        );
        assert_eq!(
            instance_of(&json!({"allOf": [
                {"required": ["a"], "properties": {"a": {"const": 1}}},
                {"required": ["b"], "properties": {"b": {"type": "null"}}}
            ]})),
            json!({"a": 1, "b": null})
        );
        assert_eq!(
            instance_of(&json!({"oneOf": [{"type": "boolean"}, {"type": "string"}]})),
            json!(false)
        );
        assert_eq!(
            instance_of(&json!({"type": ["null", "string"], "minLength": 2})),
            json!("text")
        );
    }

    #[test]
    fn a_schema_that_is_not_an_object_gives_null() {
        assert_eq!(instance_of(&json!(true)), Value::Null);
    }
}
