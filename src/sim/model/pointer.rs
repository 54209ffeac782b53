//! JSON Pointer (RFC 6901) helpers: escaping a token for error paths, and writing a value at a
//! pointer, which `serde_json` does not offer.

use serde_json::{Map, Value};

/// Escapes one reference token: `~` becomes `~0` and `/` becomes `~1`.
pub fn escape_token(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

fn unescape_token(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
}

/// Checks a pointer's syntax: empty (the whole document) or `/`-separated tokens whose `~`
/// is always followed by `0` or `1`.
pub(crate) fn check_pointer(pointer: &str) -> Result<(), String> {
    if pointer.is_empty() {
        return Ok(());
    }
    if !pointer.starts_with('/') {
        return Err(format!(
            "\"{pointer}\" is not a JSON Pointer: it must be empty or start with /"
        ));
    }
    let bytes = pointer.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        if b == b'~' && !matches!(bytes.get(i + 1), Some(b'0' | b'1')) {
            return Err(format!(
                "\"{pointer}\" is not a JSON Pointer: ~ must be followed by 0 or 1"
            ));
        }
    }
    Ok(())
}

/// Writes `value` at `pointer` in `target`, creating objects for missing steps, so a mapping
/// may add a field its example lacks. An array step must name an existing index or `-`
/// (append). Fails when a step runs into a scalar.
pub fn set_pointer(target: &mut Value, pointer: &str, value: Value) -> Result<(), String> {
    check_pointer(pointer)?;
    if pointer.is_empty() {
        *target = value;
        return Ok(());
    }
    let tokens: Vec<String> = pointer[1..].split('/').map(unescape_token).collect();
    let mut here = target;
    for (i, token) in tokens.iter().enumerate() {
        let last = i + 1 == tokens.len();
        if here.is_null() {
            *here = Value::Object(Map::new());
        }
        here = match here {
            Value::Object(map) => {
                if last {
                    map.insert(token.clone(), value);
                    return Ok(());
                }
                map.entry(token.clone()).or_insert(Value::Null)
            }
            Value::Array(items) => {
                let index = if token == "-" {
                    items.push(Value::Null);
                    items.len() - 1
                } else {
                    match token.parse::<usize>() {
                        Ok(n) if n < items.len() && (token == "0" || !token.starts_with('0')) => n,
                        _ => {
                            return Err(format!(
                                "{pointer}: the array has no element \"{token}\" (it has {})",
                                items.len()
                            ))
                        }
                    }
                };
                if last {
                    items[index] = value;
                    return Ok(());
                }
                &mut items[index]
            }
            _ => {
                return Err(format!(
                    "{pointer}: cannot go into a {} at \"{token}\"",
                    super::error::type_name(here)
                ))
            }
        };
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;

    #[test]
    fn set_pointer_creates_replaces_and_appends() {
        let mut v = json!({"a": {"b": 1}, "list": [1, 2]});
        set_pointer(&mut v, "/a/b", json!(2)).unwrap();
        set_pointer(&mut v, "/a/c/d", json!("x")).unwrap();
        set_pointer(&mut v, "/list/1", json!(9)).unwrap();
        set_pointer(&mut v, "/list/-", json!(3)).unwrap();
        set_pointer(&mut v, "/we~1ird~0", json!(true)).unwrap();
        assert_eq!(
            v,
            json!({"a": {"b": 2, "c": {"d": "x"}}, "list": [1, 9, 3], "we/ird~": true})
        );
        assert!(set_pointer(&mut v, "/list/7", json!(0)).is_err());
        assert!(set_pointer(&mut v, "/a/b/c", json!(0)).is_err());
        assert!(set_pointer(&mut v, "no-slash", json!(0)).is_err());
        set_pointer(&mut v, "", json!(1)).unwrap();
        assert_eq!(v, json!(1));
    }
}
