//! Parsing scenario JSON into the typed [`Scenario`]: size cap, syntax, version check and
//! migration, then serde with every unknown field (serde_ignored) and every type error
//! (serde_path_to_error, repeated after removing the offending field) reported with its path.
//! Values are not checked here: `validate` does that.

use super::{Problem, Scenario};

/// The largest scenario JSON accepted, in bytes.
pub const MAX_JSON_BYTES: usize = 4 * 1024 * 1024;

/// Parses scenario JSON: checks the size, the syntax and `version` (migrating older versions),
/// then reads the typed scenario, reporting every unknown field with its path
/// (`components[3].spec.app.wokers: unknown field`) and the first type error with its path.
/// Values are not checked here: [`validate::validate`] does that.
pub fn parse_json(text: &str) -> Result<Scenario, Vec<Problem>> {
    if text.len() > MAX_JSON_BYTES {
        return Err(vec![Problem::error(
            "",
            format!(
                "scenario is {} bytes; the limit is {} bytes (4 MiB)",
                text.len(),
                MAX_JSON_BYTES
            ),
        )]);
    }
    let mut doc: serde_json::Value = serde_json::from_str(text).map_err(|e| {
        vec![Problem::error(
            format!("line {} column {}", e.line(), e.column()),
            format!("not valid JSON: {e}"),
        )]
    })?;
    if !doc.is_object() {
        return Err(vec![Problem::error(
            "",
            "a scenario is a JSON object ({ \"version\": 1, ... })",
        )]);
    }
    super::migrate::migrate(&mut doc)
        .map_err(|e| vec![Problem::error("version", e.to_string())])?;
    from_value(doc)
}

/// Reads a typed scenario from a current-version JSON value, collecting every unknown field and
/// every type error with their paths. Serde stops at the first type error, so after one the
/// offending field is removed and the parse is repeated (at most [`MAX_TYPE_ERRORS`] times); a
/// later "missing field" error for a field removed that way is not reported twice.
pub fn from_value(mut doc: serde_json::Value) -> Result<Scenario, Vec<Problem>> {
    let mut problems: Vec<Problem> = Vec::new();
    let mut removed: Vec<(String, String)> = Vec::new();
    for _ in 0..MAX_TYPE_ERRORS {
        let mut unknown = Vec::new();
        let result: Result<Scenario, _> = {
            let mut on_ignored = |path: serde_ignored::Path<'_>| {
                let mut segments = Vec::new();
                ignored_segments(&path, &mut segments);
                unknown.push(segments);
            };
            let ignored = serde_ignored::Deserializer::new(doc.clone(), &mut on_ignored);
            serde_path_to_error::deserialize(ignored)
        };
        for segments in unknown {
            let path = with_variants(&doc, &segments);
            if !problems.iter().any(|p| p.path == path) {
                problems.push(Problem::error(path, "unknown field"));
            }
        }
        let err = match result {
            Ok(scenario) if problems.is_empty() => return Ok(scenario),
            Ok(_) => break,
            Err(e) => e,
        };
        let segments: Vec<_> = err.path().iter().cloned().collect();
        let path = display_path(&segments);
        let message = err.into_inner().to_string();
        let repeated = removed
            .iter()
            .any(|(parent, key)| *parent == path && message == format!("missing field `{key}`"));
        if !repeated {
            problems.push(Problem::error(path.clone(), message));
        }
        // Remove the offending field and look for more problems; stop when that is not possible.
        match segments.split_last() {
            Some((serde_path_to_error::Segment::Map { key }, parent))
                if remove_at(&mut doc, parent, key) =>
            {
                removed.push((display_path(parent), key.clone()));
            }
            _ => break,
        }
    }
    sort_problems(&mut problems);
    Err(problems)
}

/// How many type errors one parse reports at most.
pub const MAX_TYPE_ERRORS: usize = 64;

fn sort_problems(problems: &mut [Problem]) {
    // Stable: keeps discovery order among equal paths.
    problems.sort_by(|a, b| a.path.cmp(&b.path));
}

/// `components[3].spec.app` from serde_path_to_error's segments.
fn display_path(segments: &[serde_path_to_error::Segment]) -> String {
    use serde_path_to_error::Segment;
    let mut out = String::new();
    for seg in segments {
        match seg {
            Segment::Seq { index } => out.push_str(&format!("[{index}]")),
            Segment::Map { key } | Segment::Enum { variant: key } => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(key);
            }
            Segment::Unknown => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push('?');
            }
        }
    }
    out
}

/// Removes `key` from the object at `parent`; false when there is no such object or key.
fn remove_at(
    doc: &mut serde_json::Value,
    parent: &[serde_path_to_error::Segment],
    key: &str,
) -> bool {
    use serde_path_to_error::Segment;
    let mut at = doc;
    for seg in parent {
        let next = match seg {
            Segment::Seq { index } => at.get_mut(*index),
            Segment::Map { key } | Segment::Enum { variant: key } => at.get_mut(key.as_str()),
            Segment::Unknown => None,
        };
        match next {
            Some(v) => at = v,
            None => return false,
        }
    }
    at.as_object_mut()
        .is_some_and(|obj| obj.remove(key).is_some())
}

/// A path step as serde_ignored reports it: an array index or an object key.
enum PathStep {
    Index(usize),
    Key(String),
}

fn ignored_segments(path: &serde_ignored::Path<'_>, out: &mut Vec<PathStep>) {
    use serde_ignored::Path;
    match path {
        Path::Root => {}
        Path::Seq { parent, index } => {
            ignored_segments(parent, out);
            out.push(PathStep::Index(*index));
        }
        Path::Map { parent, key } => {
            ignored_segments(parent, out);
            out.push(PathStep::Key(key.clone()));
        }
        Path::Some { parent }
        | Path::NewtypeStruct { parent }
        | Path::NewtypeVariant { parent } => ignored_segments(parent, out),
    }
}

/// `components[3].spec.app.wokers`: serde_ignored leaves out enum variant names (`app`), so they
/// are put back by walking the document: a key missing from a one-key object is looked up in
/// that key's value (an externally tagged enum).
fn with_variants(doc: &serde_json::Value, steps: &[PathStep]) -> String {
    let mut out = String::new();
    let mut at = Some(doc);
    for step in steps {
        match step {
            PathStep::Index(i) => {
                out.push_str(&format!("[{i}]"));
                at = at.and_then(|v| v.get(*i));
            }
            PathStep::Key(key) => {
                if let Some(obj) = at.and_then(|v| v.as_object()) {
                    if !obj.contains_key(key) && obj.len() == 1 {
                        if let Some((variant, inner)) = obj.iter().next() {
                            if !out.is_empty() {
                                out.push('.');
                            }
                            out.push_str(variant);
                            at = Some(inner);
                        }
                    }
                }
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(key);
                at = at.and_then(|v| v.get(key.as_str()));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paths(text: &str) -> Vec<String> {
        parse_json(text)
            .unwrap_err()
            .into_iter()
            .map(|p| format!("{}: {}", p.path, p.message))
            .collect()
    }

    #[test]
    fn unknown_fields_and_type_errors_have_paths() {
        let text = r#"{"version":1,"name":"x","horizon":"1h","traffic":{"entry":["a"]},
            "components":[{"id":"a","spec":{"app":{"wokers":3,"capacity":{"workers":"many"}}}}],
            "faults":[{"crash":{"at":"1m","target":"a","nod":1}}]}"#;
        let got = paths(text);
        println!("{got:#?}");
        assert!(got.contains(&"components[0].spec.app.wokers: unknown field".to_string()));
        assert!(got
            .iter()
            .any(|p| p.starts_with("components[0].spec.app.capacity.workers: invalid type")));
    }
}
