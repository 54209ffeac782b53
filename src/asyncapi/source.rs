//! Files in, documents out: YAML (with budgets against alias bombs and deep nesting), JSON,
//! several documents per file (a YAML stream or a JSON array) and zips of such files, each
//! checked for size and for being AsyncAPI 3 before anything reads it.

use serde_json::Value;

use super::zip::read_zip;
use super::ImportError;

/// Largest file read, so a 10 MB upload is refused before it is parsed.
pub const MAX_FILE_BYTES: usize = 4 * 1024 * 1024;
/// Largest sum of all files (zip entries included) in one import.
pub const MAX_TOTAL_BYTES: usize = 16 * 1024 * 1024;
/// Most documents in one import; Contrail draws at most 30 services anyway.
pub const MAX_FILES: usize = 64;
/// Deepest nesting of objects and arrays a document may have.
pub const MAX_DEPTH: usize = 64;
/// Most YAML aliases in one file: real documents use a handful; bombs use thousands.
const MAX_ALIASES: usize = 1_000;

/// A file as the person gave it.
#[derive(Clone, Debug)]
pub struct SourceFile {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// One AsyncAPI document, with the file it came from (and its place in a stream).
#[derive(Clone, Debug, PartialEq)]
pub struct Document {
    pub file: String,
    pub value: Value,
}

fn size_text(bytes: usize) -> String {
    format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0))
}

/// Reads every file into AsyncAPI 3 documents, or says which file and where it went wrong.
pub fn read_sources(files: &[SourceFile]) -> Result<Vec<Document>, ImportError> {
    if files.is_empty() {
        return Err(ImportError::new("", "", "no file was given"));
    }
    let mut total = 0usize;
    let mut docs = Vec::new();
    for file in files {
        let entries = if file.name.to_ascii_lowercase().ends_with(".zip") {
            check_size(&file.name, file.bytes.len(), &mut total)?;
            read_zip(&file.bytes, MAX_FILE_BYTES)
                .map_err(|why| ImportError::new(&file.name, "", why))?
                .into_iter()
                .filter(|(name, _)| is_document_name(name))
                .map(|(name, bytes)| SourceFile {
                    name: format!("{}/{name}", file.name),
                    bytes,
                })
                .collect()
        } else {
            vec![file.clone()]
        };
        for entry in entries {
            check_size(&entry.name, entry.bytes.len(), &mut total)?;
            for value in parse(&entry)? {
                if docs.len() == MAX_FILES {
                    return Err(ImportError::new(
                        &entry.name,
                        "",
                        format!("more than {MAX_FILES} documents in one import"),
                    ));
                }
                let name = entry.name.clone();
                check_version(&name, &value)?;
                docs.push(Document { file: name, value });
            }
        }
    }
    if docs.is_empty() {
        return Err(ImportError::new(
            &files[0].name,
            "",
            "it holds no AsyncAPI document (.yaml, .yml or .json)",
        ));
    }
    // A stream's documents are told apart by their place in the file.
    let mut counts = std::collections::BTreeMap::<String, usize>::new();
    for d in &docs {
        *counts.entry(d.file.clone()).or_default() += 1;
    }
    let mut seen = std::collections::BTreeMap::<String, usize>::new();
    for d in &mut docs {
        if counts[&d.file] > 1 {
            let n = seen.entry(d.file.clone()).or_default();
            *n += 1;
            d.file = format!("{} (document {n})", d.file);
        }
    }
    Ok(docs)
}

fn is_document_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    !lower.ends_with('/')
        && (lower.ends_with(".yaml") || lower.ends_with(".yml") || lower.ends_with(".json"))
}

fn check_size(name: &str, len: usize, total: &mut usize) -> Result<(), ImportError> {
    if len > MAX_FILE_BYTES {
        return Err(ImportError::new(
            name,
            "",
            format!(
                "the file is {}; files up to {} are read",
                size_text(len),
                size_text(MAX_FILE_BYTES)
            ),
        ));
    }
    *total += len;
    if *total > MAX_TOTAL_BYTES {
        return Err(ImportError::new(
            name,
            "",
            format!(
                "the files add up to more than {}",
                size_text(MAX_TOTAL_BYTES)
            ),
        ));
    }
    Ok(())
}

fn parse(file: &SourceFile) -> Result<Vec<Value>, ImportError> {
    let text = std::str::from_utf8(&file.bytes)
        .map_err(|e| ImportError::new(&file.name, "", format!("it is not UTF-8 text ({e})")))?;
    let values = if file.name.to_ascii_lowercase().ends_with(".json") {
        let value: Value = serde_json::from_str(text).map_err(|e| {
            ImportError::new(
                &file.name,
                format!("line {}, column {}", e.line(), e.column()),
                format!("this is not valid JSON: {}", json_reason(&e)),
            )
        })?;
        match value {
            Value::Array(list) => list,
            one => vec![one],
        }
    } else {
        parse_yaml(&file.name, text)?
    };
    for v in &values {
        if let Some(path) = too_deep(v, 0, &mut String::new()) {
            return Err(ImportError::at(
                &file.name,
                &path,
                format!("the document is nested more than {MAX_DEPTH} levels deep"),
            ));
        }
    }
    Ok(values)
}

fn json_reason(e: &serde_json::Error) -> String {
    // serde_json appends " at line L column C"; the place is already said.
    let text = e.to_string();
    match text.find(" at line ") {
        Some(i) => text[..i].to_string(),
        None => text,
    }
}

fn parse_yaml(name: &str, text: &str) -> Result<Vec<Value>, ImportError> {
    // Both structs are non-exhaustive: start from the defaults and tighten.
    let mut budget = serde_saphyr::Budget::default();
    budget.max_depth = MAX_DEPTH;
    budget.max_aliases = MAX_ALIASES;
    budget.max_documents = MAX_FILES;
    budget.max_total_scalar_bytes = MAX_FILE_BYTES;
    let mut options = serde_saphyr::Options::default();
    options.budget = Some(budget);
    options.with_snippet = false;
    let docs: Vec<Value> =
        serde_saphyr::from_multiple_with_options(text, options).map_err(|e| {
            let place = e
                .location()
                .map(|l| format!("line {}, column {}", l.line(), l.column()))
                .unwrap_or_default();
            let mut reason = e.to_string();
            // The location is said in the place; keep the reason to its first line.
            if let Some(i) = reason.find('\n') {
                reason.truncate(i);
            }
            ImportError::new(name, place, format!("this YAML cannot be read: {reason}"))
        })?;
    Ok(docs.into_iter().filter(|d| !d.is_null()).collect())
}

/// The JSON Pointer of the first place nested deeper than [`MAX_DEPTH`].
fn too_deep(v: &Value, depth: usize, path: &mut String) -> Option<String> {
    if depth > MAX_DEPTH {
        return Some(path.clone());
    }
    let len = path.len();
    let found = match v {
        Value::Object(map) => map.iter().find_map(|(k, child)| {
            path.truncate(len);
            path.push('/');
            path.push_str(&crate::sim::model::escape_token(k));
            too_deep(child, depth + 1, path)
        }),
        Value::Array(list) => list.iter().enumerate().find_map(|(i, child)| {
            path.truncate(len);
            path.push_str(&format!("/{i}"));
            too_deep(child, depth + 1, path)
        }),
        _ => None,
    };
    path.truncate(len);
    found
}

fn check_version(file: &str, doc: &Value) -> Result<(), ImportError> {
    let Some(root) = doc.as_object() else {
        return Err(ImportError::new(
            file,
            "",
            "an AsyncAPI document is an object",
        ));
    };
    if root.contains_key("openapi") || root.contains_key("swagger") {
        return Err(ImportError::at(
            file,
            "/openapi",
            "this is an OpenAPI document; Contrail reads AsyncAPI 3.x",
        ));
    }
    match root.get("asyncapi") {
        None => Err(ImportError::new(
            file,
            "",
            "this is not an AsyncAPI document (it has no \"asyncapi\" field)",
        )),
        Some(Value::String(v)) if v.starts_with("3.") => Ok(()),
        Some(Value::String(v)) if v.starts_with("2.") || v.starts_with("1.") => Err(ImportError::at(
            file,
            "/asyncapi",
            format!(
                "this is AsyncAPI {v}; only AsyncAPI 3.x is read (2.x means publish and subscribe the other way round; AsyncAPI Studio converts 2.x to 3.0)"
            ),
        )),
        Some(other) => Err(ImportError::at(
            file,
            "/asyncapi",
            format!("\"asyncapi\" is {other}; only AsyncAPI 3.x is read"),
        )),
    }
}
