//! Parsing scenario JSON into the typed [`Scenario`]: size cap, syntax and duplicate keys,
//! version check and migration, then serde with every unknown field (serde_ignored) and every
//! type error (serde_path_to_error, repeated after removing the offending field) reported with
//! its path. Values are not checked here: `validate` does that.
//!
//! Work bound: one pass over the text builds the document (and finds duplicate keys); then at
//! most [`MAX_TYPE_ERRORS`] typed passes, each linear in the document (unknown fields are
//! deduplicated in a set, not by searching the problems found so far).

use super::{Problem, Scenario};
use std::collections::BTreeSet;

/// The largest scenario JSON accepted, in bytes.
pub const MAX_JSON_BYTES: usize = 4 * 1024 * 1024;

/// How a problem about the whole document (or a field missing at its top level) is located.
pub const ROOT: &str = "(root)";

/// Parses scenario JSON: checks the size, the syntax, that no object repeats a key, and
/// `version` (migrating older versions), then reads the typed scenario, reporting every unknown
/// field with its path (`components[3].spec.app.wokers: unknown field`) and the type errors with
/// their paths. Values are not checked here: [`validate::validate`] does that.
pub fn parse_json(text: &str) -> Result<Scenario, Vec<Problem>> {
    if text.len() > MAX_JSON_BYTES {
        return Err(vec![Problem::error(
            ROOT,
            format!(
                "scenario is {} bytes; the limit is {} bytes (4 MiB)",
                text.len(),
                MAX_JSON_BYTES
            ),
        )]);
    }
    let mut doc = read_document(text)?;
    if !doc.is_object() {
        return Err(vec![Problem::error(
            ROOT,
            "a scenario is a JSON object ({ \"version\": 1, ... })",
        )]);
    }
    super::migrate::migrate(&mut doc)
        .map_err(|e| vec![Problem::error("version", e.to_string())])?;
    from_value(doc)
}

/// The JSON document of `text`, refusing a key repeated in one object (serde_json would keep
/// the last silently: `"horizon": "bogus", "horizon": "10m"` would run) with its path.
pub(crate) fn read_document(text: &str) -> Result<serde_json::Value, Vec<Problem>> {
    use serde::de::DeserializeSeed;
    let syntax = |e: serde_json::Error| {
        vec![Problem::error(
            format!("line {} column {}", e.line(), e.column()),
            format!("not valid JSON: {e}"),
        )]
    };
    let mut duplicates = Vec::new();
    let mut de = serde_json::Deserializer::from_str(text);
    let doc = dup::Doc {
        path: String::new(),
        duplicates: &mut duplicates,
    }
    .deserialize(&mut de)
    .map_err(syntax)?;
    de.end().map_err(syntax)?;
    if duplicates.is_empty() {
        return Ok(doc);
    }
    let mut problems: Vec<Problem> = duplicates
        .iter()
        .take(MAX_LISTED)
        .map(|path| {
            Problem::error(
                path.clone(),
                "duplicate key: given more than once in the same object (keep one)",
            )
        })
        .collect();
    if duplicates.len() > MAX_LISTED {
        problems.push(Problem::error(
            ROOT,
            format!(
                "... and {} more duplicate keys",
                duplicates.len() - MAX_LISTED
            ),
        ));
    }
    Err(problems)
}

/// Reads a typed scenario from a current-version JSON value, collecting every unknown field and
/// every type error with their paths. Serde stops at the first type error, so after one the
/// offending field is removed and the parse is repeated (at most [`MAX_TYPE_ERRORS`] passes); a
/// later "missing field" error for a field removed that way is not reported twice. At most
/// [`MAX_LISTED`] unknown fields are listed, then a count of the rest.
pub fn from_value(doc: serde_json::Value) -> Result<Scenario, Vec<Problem>> {
    typed_passes(doc).0
}

/// [`from_value`] and the number of typed passes it took (at most [`MAX_TYPE_ERRORS`]).
fn typed_passes(mut doc: serde_json::Value) -> (Result<Scenario, Vec<Problem>>, usize) {
    let mut problems: Vec<Problem> = Vec::new();
    let mut unknown_seen: BTreeSet<String> = BTreeSet::new();
    let mut removed: Vec<(String, String)> = Vec::new();
    let mut passes = 0;
    while passes < MAX_TYPE_ERRORS {
        passes += 1;
        let mut unknown = Vec::new();
        let result: Result<Scenario, _> = {
            let mut on_ignored = |path: serde_ignored::Path<'_>| {
                let mut segments = Vec::new();
                ignored_segments(&path, &mut segments);
                unknown.push(segments);
            };
            let ignored = serde_ignored::Deserializer::new(&doc, &mut on_ignored);
            serde_path_to_error::deserialize(ignored)
        };
        for segments in unknown {
            let path = with_variants(&doc, &segments);
            if unknown_seen.len() < MAX_LISTED && !unknown_seen.contains(&path) {
                problems.push(Problem::error(path.clone(), "unknown field"));
            }
            unknown_seen.insert(path);
        }
        let err = match result {
            Ok(scenario) if problems.is_empty() => return (Ok(scenario), passes),
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
    if unknown_seen.len() > MAX_LISTED {
        problems.push(Problem::error(
            ROOT,
            format!(
                "... and {} more unknown fields",
                unknown_seen.len() - MAX_LISTED
            ),
        ));
    }
    sort_problems(&mut problems);
    (Err(problems), passes)
}

/// How many unknown fields (and how many duplicate keys) one parse lists; the rest are counted.
pub const MAX_LISTED: usize = 100;

/// How many type errors one parse reports at most.
pub const MAX_TYPE_ERRORS: usize = 64;

fn sort_problems(problems: &mut [Problem]) {
    // Stable: keeps discovery order among equal paths.
    problems.sort_by(|a, b| a.path.cmp(&b.path));
}

/// `components[3].spec.app` from serde_path_to_error's segments; [`ROOT`] for the document
/// itself (a top-level field missing).
fn display_path(segments: &[serde_path_to_error::Segment]) -> String {
    if segments.is_empty() {
        return ROOT.to_string();
    }
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

/// A JSON document read through serde's visitor, as `serde_json::Value` would be, but noting the
/// path of every key repeated within one object.
mod dup {
    use serde::de::{DeserializeSeed, MapAccess, SeqAccess, Visitor};
    use serde_json::{Map, Value};
    use std::fmt;

    pub(super) struct Doc<'a> {
        /// Where this value is, as a problem path (`components[0].spec`).
        pub(super) path: String,
        pub(super) duplicates: &'a mut Vec<String>,
    }

    impl Doc<'_> {
        fn child(&mut self, path: String) -> Doc<'_> {
            Doc {
                path,
                duplicates: &mut *self.duplicates,
            }
        }
    }

    impl<'de> DeserializeSeed<'de> for Doc<'_> {
        type Value = Value;
        fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
            d.deserialize_any(self)
        }
    }

    impl<'de> Visitor<'de> for Doc<'_> {
        type Value = Value;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a JSON value")
        }
        fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
            Ok(Value::Bool(v))
        }
        fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
            Ok(Value::from(v))
        }
        fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
            Ok(Value::from(v))
        }
        fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
            Ok(Value::from(v))
        }
        fn visit_str<E>(self, v: &str) -> Result<Value, E> {
            Ok(Value::String(v.to_string()))
        }
        fn visit_string<E>(self, v: String) -> Result<Value, E> {
            Ok(Value::String(v))
        }
        fn visit_unit<E>(self) -> Result<Value, E> {
            Ok(Value::Null)
        }
        fn visit_seq<A: SeqAccess<'de>>(mut self, mut seq: A) -> Result<Value, A::Error> {
            let mut out = Vec::new();
            loop {
                let path = format!("{}[{}]", self.path, out.len());
                match seq.next_element_seed(self.child(path))? {
                    Some(v) => out.push(v),
                    None => return Ok(Value::Array(out)),
                }
            }
        }
        fn visit_map<A: MapAccess<'de>>(mut self, mut map: A) -> Result<Value, A::Error> {
            let mut out = Map::new();
            while let Some(key) = map.next_key::<String>()? {
                let path = if self.path.is_empty() {
                    key.clone()
                } else {
                    format!("{}.{key}", self.path)
                };
                let value = map.next_value_seed(self.child(path.clone()))?;
                if out.insert(key, value).is_some() {
                    self.duplicates.push(path);
                }
            }
            Ok(Value::Object(out))
        }
    }
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

    const BASE: &str = r#""version":1,"name":"x","horizon":"1h","traffic":{"entry":["a"]},
        "components":[{"id":"a","spec":{"app":{}}}]"#;

    #[test]
    fn the_base_scenario_parses() {
        assert!(parse_json(&format!("{{{BASE}}}")).is_ok());
    }

    #[test]
    fn duplicate_keys_are_refused_with_their_path() {
        let text = r#"{"version":1,"name":"x","horizon":"bogus","horizon":"10m","traffic":{"entry":["a"]},
            "components":[{"id":"a","spec":{"app":{"capacity":{"workers":2,"workers":3}}}}]}"#;
        assert_eq!(
            paths(text),
            [
                "horizon: duplicate key: given more than once in the same object (keep one)",
                "components[0].spec.app.capacity.workers: duplicate key: given more than once in the same object (keep one)",
            ]
        );
        // The same key in two different objects is fine.
        let text = format!(
            r#"{{{BASE},"faults":[{{"crash":{{"at":"1m","target":"a"}}}},{{"crash":{{"at":"2m","target":"a"}}}}]}}"#
        );
        assert!(parse_json(&text).is_ok(), "{:?}", parse_json(&text).err());
        // Syntax errors still name the line and column.
        assert_eq!(
            paths("{\n\"a\" 1}")[0].split(':').next(),
            Some("line 2 column 5")
        );
    }

    #[test]
    fn a_missing_top_level_field_is_located_at_the_root() {
        let text = r#"{"version":1,"name":"x","horizon":"1h","components":[]}"#;
        assert_eq!(paths(text), ["(root): missing field `traffic`"]);
        let p = &parse_json(text).unwrap_err()[0];
        assert_eq!(p.to_string(), "error: (root): missing field `traffic`");
        // Nested ones name their object, as before.
        let text = r#"{"version":1,"name":"x","horizon":"1h","traffic":{"entry":["a"]},"components":[{"spec":{"app":{}}}]}"#;
        assert_eq!(paths(text), ["components[0]: missing field `id`"]);
        assert_eq!(
            paths("[1]"),
            ["(root): a scenario is a JSON object ({ \"version\": 1, ... })"]
        );
    }

    /// 44 000 unknown fields (issue 13: 4.5 s when each was searched for among the problems
    /// found so far, again on every type-error pass), 64 of them with type errors: the parse
    /// ends after a bounded number of passes, lists `MAX_LISTED` unknown fields and counts the
    /// rest exactly.
    #[test]
    fn many_unknown_fields_are_listed_up_to_a_cap_and_counted() {
        let unknown: Vec<String> = (0..44_000).map(|i| format!("\"u{i:x}\":0")).collect();
        // The unknown fields of `components[0]` are read again on every pass after the one that
        // stops at its type error.
        let components: Vec<String> = (0..80)
            .map(|i| {
                let extra = if i == 0 {
                    format!(",{}", unknown.join(","))
                } else {
                    String::new()
                };
                format!(
                    r#"{{"id":"c{i}","spec":{{"app":{{"capacity":{{"workers":"many"}}}}}}{extra}}}"#
                )
            })
            .collect();
        let text = format!(
            r#"{{"version":1,"name":"x","horizon":"1h","traffic":{{"entry":["c0"]}},"components":[{}]}}"#,
            components.join(",")
        );
        let mut doc = read_document(&text).unwrap();
        super::super::migrate::migrate(&mut doc).unwrap();
        let (result, passes) = typed_passes(doc);
        let problems = result.unwrap_err();
        assert_eq!(
            passes, MAX_TYPE_ERRORS,
            "one pass per type error, and no more"
        );
        let listed = problems
            .iter()
            .filter(|p| p.message == "unknown field")
            .count();
        assert_eq!(listed, MAX_LISTED);
        assert!(problems
            .iter()
            .all(|p| p.message != "unknown field" || p.path.starts_with("components[0].u")));
        let more: Vec<&Problem> = problems
            .iter()
            .filter(|p| p.message.contains("more unknown"))
            .collect();
        assert_eq!(more.len(), 1);
        assert_eq!(more[0].path, ROOT);
        assert_eq!(
            more[0].message,
            format!("... and {} more unknown fields", 44_000 - MAX_LISTED)
        );
        let type_errors = problems
            .iter()
            .filter(|p| p.message.starts_with("invalid type"))
            .count();
        assert_eq!(type_errors, MAX_TYPE_ERRORS);
        // Without type errors it is one pass.
        let text = format!(r#"{{{BASE},{}}}"#, unknown.join(","));
        let (result, passes) = typed_passes(read_document(&text).unwrap());
        assert_eq!(passes, 1);
        assert_eq!(result.unwrap_err().len(), MAX_LISTED + 1);
        // And as many duplicate keys are listed up to the same cap.
        let dups = format!(r#"{{{BASE},{}}}"#, vec![r#""z":0"#; 500].join(","));
        let problems = parse_json(&dups).unwrap_err();
        assert_eq!(problems.len(), MAX_LISTED + 1);
        assert_eq!(
            problems[MAX_LISTED].message,
            format!("... and {} more duplicate keys", 499 - MAX_LISTED)
        );
    }
}
