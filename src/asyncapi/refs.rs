//! `$ref`s and traits. Local references (`#/components/messages/X`) resolve inside their
//! document, relative ones (`common.yaml#/X`) against the other files of the same import;
//! a remote one is never fetched: it is reported and left out. Traits merge into their
//! message as the spec says: in order, with the message's own fields winning.

use std::cell::RefCell;

use serde_json::{Map, Value};

use super::source::Document;
use super::ImportError;

/// Longest chain of `$ref` to `$ref`.
const MAX_HOPS: usize = 32;
/// Most values an inlined schema or example may grow to, against `$ref` fan-out bombs.
const MAX_INLINED: usize = 100_000;

pub(super) struct Resolver<'a> {
    pub docs: &'a [Document],
    /// What could not be resolved and was left out, in words.
    pub notes: RefCell<Vec<String>>,
}

/// A value found by following `$ref`s: the document it lives in and the value.
pub(super) type Found<'a> = (usize, &'a Value);

impl<'a> Resolver<'a> {
    pub fn new(docs: &'a [Document]) -> Self {
        Resolver {
            docs,
            notes: RefCell::new(Vec::new()),
        }
    }

    fn note(&self, text: String) {
        let mut notes = self.notes.borrow_mut();
        if !notes.contains(&text) {
            notes.push(text);
        }
    }

    /// Follows `v`'s `$ref` (and the target's) to a value that is not a reference.
    /// `None` when the reference leaves the import (remote or an unloaded file).
    pub fn deref(
        &self,
        doc: usize,
        v: &'a Value,
        at: &str,
    ) -> Result<Option<Found<'a>>, ImportError> {
        let (mut doc, mut v) = (doc, v);
        for _ in 0..MAX_HOPS {
            let Some(target) = v.get("$ref") else {
                return Ok(Some((doc, v)));
            };
            let file = &self.docs[doc].file;
            let Some(target) = target.as_str() else {
                return Err(ImportError::at(file, at, "\"$ref\" must be a string"));
            };
            let (path, pointer) = target.split_once('#').unwrap_or((target, ""));
            if path.contains("://") || path.starts_with("//") {
                self.note(format!(
                    "{file} refers to {target}, which is not fetched (Contrail never loads remote references); it is left out"
                ));
                return Ok(None);
            }
            if !path.is_empty() {
                let wanted = path.rsplit('/').next().unwrap_or(path);
                match self
                    .docs
                    .iter()
                    .position(|d| d.file.rsplit('/').next() == Some(wanted))
                {
                    Some(i) => doc = i,
                    None => {
                        self.note(format!(
                            "{file} refers to {target}; open {wanted} in the same import to use it. It is left out"
                        ));
                        return Ok(None);
                    }
                }
            }
            v = self.docs[doc].value.pointer(pointer).ok_or_else(|| {
                ImportError::at(
                    file,
                    at,
                    format!(
                        "\"$ref\": \"{target}\" points at nothing in {}",
                        self.docs[doc].file
                    ),
                )
            })?;
        }
        Err(ImportError::at(
            &self.docs[doc].file,
            at,
            format!("more than {MAX_HOPS} \"$ref\"s in a row (a loop?)"),
        ))
    }

    /// `v` with every `$ref` inside it replaced by its target. A reference back into itself
    /// (a recursive schema) is cut to `{}`.
    pub fn inline(&self, doc: usize, v: &Value, at: &str) -> Result<Value, ImportError> {
        let mut budget = MAX_INLINED;
        self.inline_in(doc, v, at, &mut Vec::new(), &mut budget)
    }

    fn inline_in(
        &self,
        doc: usize,
        v: &Value,
        at: &str,
        stack: &mut Vec<(usize, String)>,
        budget: &mut usize,
    ) -> Result<Value, ImportError> {
        if *budget == 0 {
            return Err(ImportError::at(
                &self.docs[doc].file,
                at,
                format!("this grows past {MAX_INLINED} values once its \"$ref\"s are resolved"),
            ));
        }
        *budget -= 1;
        match v {
            Value::Object(map) => {
                if let Some(Value::String(target)) = map.get("$ref") {
                    let key = (doc, target.clone());
                    if stack.contains(&key) || stack.len() > super::MAX_DEPTH {
                        return Ok(Value::Object(Map::new()));
                    }
                    let Some((d, found)) = self.deref(doc, v, at)? else {
                        return Ok(Value::Object(Map::new()));
                    };
                    stack.push(key);
                    let out = self.inline_in(d, found, at, stack, budget);
                    stack.pop();
                    return out;
                }
                let mut out = Map::new();
                for (k, child) in map {
                    out.insert(k.clone(), self.inline_in(doc, child, at, stack, budget)?);
                }
                Ok(Value::Object(out))
            }
            Value::Array(list) => list
                .iter()
                .map(|child| self.inline_in(doc, child, at, stack, budget))
                .collect::<Result<Vec<_>, _>>()
                .map(Value::Array),
            other => Ok(other.clone()),
        }
    }

    /// A message with its traits applied and every reference inside it resolved.
    pub fn message(&self, doc: usize, message: &Value, at: &str) -> Result<Value, ImportError> {
        let own = self.inline(doc, message, at)?;
        let Some(traits) = own.get("traits").and_then(Value::as_array) else {
            return Ok(own);
        };
        let mut merged = Value::Object(Map::new());
        for t in traits {
            merge_patch(&mut merged, t);
        }
        let mut own = own.clone();
        if let Some(map) = own.as_object_mut() {
            map.remove("traits");
        }
        merge_patch(&mut merged, &own);
        Ok(merged)
    }
}

/// JSON Merge Patch (RFC 7386): objects merge key by key, anything else replaces, `null`
/// removes.
pub(super) fn merge_patch(target: &mut Value, patch: &Value) {
    let Value::Object(patch) = patch else {
        *target = patch.clone();
        return;
    };
    if !target.is_object() {
        *target = Value::Object(Map::new());
    }
    if let Value::Object(map) = target {
        for (k, v) in patch {
            if v.is_null() {
                map.remove(k);
            } else {
                merge_patch(map.entry(k.clone()).or_insert(Value::Null), v);
            }
        }
    }
}
