//! Comparing a payload with its message's example: the model's examples say what a message
//! looks like, so a payload that lacks something its example has can be pointed out.

use serde_json::Value;

/// Whether `actual` has every field `example` has, each of the same JSON type, all the way
/// down (a list's items against the example's first item). Extra fields are fine. The
/// error names the first difference by its JSON Pointer.
pub fn same_shape(example: &Value, actual: &Value, at: &str) -> Result<(), String> {
    let kind = |v: &Value| match v {
        Value::Null => "null",
        Value::Bool(_) => "true or false",
        Value::Number(_) => "a number",
        Value::String(_) => "text",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    };
    let place = if at.is_empty() { "the payload" } else { at };
    match (example, actual) {
        (Value::Null, _) => Ok(()),
        (Value::Object(fields), Value::Object(_)) => fields.iter().try_for_each(|(k, v)| {
            let here = format!("{at}/{}", super::escape_token(k));
            match actual.get(k) {
                Some(found) => same_shape(v, found, &here),
                None => Err(format!("{here} is missing")),
            }
        }),
        (Value::Array(items), Value::Array(found)) => match items.first() {
            Some(first) => found
                .iter()
                .enumerate()
                .try_for_each(|(i, item)| same_shape(first, item, &format!("{at}/{i}"))),
            None => Ok(()),
        },
        _ if kind(example) == kind(actual) => Ok(()),
        _ => Err(format!(
            "{place} should be {}, found {}",
            kind(example),
            kind(actual)
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;

    #[test]
    fn extra_fields_pass_and_the_first_difference_is_named_by_pointer() {
        let example = json!({"a": {"b": [{"c": "x"}]}, "n": 1, "any": null});
        assert_eq!(
            same_shape(
                &example,
                &json!({"a": {"b": []}, "n": 2.5, "any": [], "more": 1}),
                ""
            ),
            Ok(())
        );
        assert_eq!(
            same_shape(
                &example,
                &json!({"a": {"b": [{"c": "y"}, {"c": 3}]}, "n": 1, "any": 1}),
                ""
            ),
            Err("/a/b/1/c should be text, found a number".into())
        );
        assert_eq!(
            same_shape(&example, &json!({"a": {"b": []}, "any": 1}), ""),
            Err("/n is missing".into())
        );
    }
}
