//! A step's change: edits to the scenario's JSON in the spirit of RFC 6902 (JSON Patch), with
//! `add`, `replace` and `remove` at a JSON Pointer (RFC 6901). One extension makes the pointers
//! readable and robust: in an array of objects, a segment that is not an index names the element
//! whose `"id"` equals it (`/components/app/spec/app/sessions`). `-` is the end of an array
//! (for `add`). A UI applies the same edits to the scenario it holds.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// One edit of a scenario's JSON.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "op", rename_all = "snake_case", deny_unknown_fields)]
pub enum Edit {
    /// Set an object's member (creating it) or insert into an array (`-` appends).
    Add { path: String, value: Value },
    /// Replace a value that exists.
    Replace { path: String, value: Value },
    /// Remove an object's member or an array's element.
    Remove { path: String },
}

impl Edit {
    pub fn path(&self) -> &str {
        match self {
            Edit::Add { path, .. } | Edit::Replace { path, .. } | Edit::Remove { path } => path,
        }
    }
}

/// Applies the edits in order; the first that does not apply stops with its reason. The
/// document is left partly edited then, so callers apply to a copy.
pub fn apply_all(doc: &mut Value, edits: &[Edit]) -> Result<(), (usize, String)> {
    for (i, e) in edits.iter().enumerate() {
        apply(doc, e).map_err(|why| (i, why))?;
    }
    Ok(())
}

/// Applies the edits to a typed scenario (what an editor holds): through its JSON, read back
/// with `scenario::parse::from_value`, so a change that does not apply or leaves no valid
/// scenario is a located problem (`change[1].path`, `change: components[0].spec…`).
pub fn apply_to_scenario(
    s: &crate::scenario::Scenario,
    edits: &[Edit],
) -> Result<crate::scenario::Scenario, Vec<crate::scenario::Problem>> {
    use crate::scenario::Problem;
    let mut doc = serde_json::to_value(s).map_err(|e| {
        vec![Problem::error(
            "change",
            format!("the scenario is not JSON: {e}"),
        )]
    })?;
    apply_all(&mut doc, edits)
        .map_err(|(i, why)| vec![Problem::error(format!("change[{i}].path"), why)])?;
    crate::scenario::parse::from_value(doc).map_err(|ps| {
        ps.into_iter()
            .map(|p| Problem::error(format!("change: {}", p.path), p.message))
            .collect()
    })
}

/// Applies one edit, or says why it does not apply (a missing member, an index out of range…).
pub fn apply(doc: &mut Value, edit: &Edit) -> Result<(), String> {
    let segments = split(edit.path())?;
    let Some((last, parents)) = segments.split_last() else {
        return match edit {
            Edit::Replace { value, .. } => {
                *doc = value.clone();
                Ok(())
            }
            _ => Err("the empty path is the whole document: only `replace` applies".into()),
        };
    };
    let mut at = &mut *doc;
    let mut walked = String::new();
    for s in parents {
        at = step(at, s).ok_or_else(|| format!("`{walked}/{s}` does not exist"))?;
        walked.push('/');
        walked.push_str(s);
    }
    let missing = || format!("`{}` does not exist", edit.path());
    match (edit, at) {
        (Edit::Add { value, .. }, Value::Object(m)) => {
            m.insert(last.clone(), value.clone());
        }
        (Edit::Replace { value, .. }, Value::Object(m)) => {
            *m.get_mut(last).ok_or_else(missing)? = value.clone();
        }
        (Edit::Remove { .. }, Value::Object(m)) => {
            m.remove(last).ok_or_else(missing)?;
        }
        (Edit::Add { value, .. }, Value::Array(a)) if last == "-" => a.push(value.clone()),
        (Edit::Add { value, .. }, Value::Array(a)) => {
            let i = index(a, last)
                .filter(|i| *i <= a.len())
                .ok_or_else(missing)?;
            a.insert(i, value.clone());
        }
        (Edit::Replace { value, .. }, Value::Array(a)) => {
            let i = index(a, last)
                .filter(|i| *i < a.len())
                .ok_or_else(missing)?;
            a[i] = value.clone();
        }
        (Edit::Remove { .. }, Value::Array(a)) => {
            let i = index(a, last)
                .filter(|i| *i < a.len())
                .ok_or_else(missing)?;
            a.remove(i);
        }
        _ => return Err(format!("`{walked}` is neither an object nor an array")),
    }
    Ok(())
}

/// The pointer's segments, unescaped (`~1` is `/`, `~0` is `~`).
fn split(path: &str) -> Result<Vec<String>, String> {
    if path.is_empty() {
        return Ok(Vec::new());
    }
    let Some(rest) = path.strip_prefix('/') else {
        return Err(format!(
            "`{path}` is not a JSON pointer (it starts with `/`)"
        ));
    };
    Ok(rest
        .split('/')
        .map(|s| s.replace("~1", "/").replace("~0", "~"))
        .collect())
}

/// One step down: an object's member, an array's element by index or by `id`.
fn step<'a>(at: &'a mut Value, s: &str) -> Option<&'a mut Value> {
    match at {
        Value::Object(m) => m.get_mut(s),
        Value::Array(a) => {
            let i = index(a, s)?;
            a.get_mut(i)
        }
        _ => None,
    }
}

/// An array position: a decimal index, or the element whose `"id"` is `s`.
fn index(a: &[Value], s: &str) -> Option<usize> {
    if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) {
        return s.parse().ok();
    }
    a.iter()
        .position(|v| v.get("id").and_then(Value::as_str) == Some(s))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn edit(text: &str) -> Edit {
        serde_json::from_str(text).unwrap()
    }

    #[test]
    fn edits_apply_by_index_by_id_and_at_the_end() {
        let mut doc = json!({"components": [{"id": "lb"}, {"id": "app", "spec": {"app": {}}}]});
        let edits = [
            edit(r#"{"op": "add", "path": "/components/app/spec/app/sessions", "value": "buddy"}"#),
            edit(r#"{"op": "replace", "path": "/components/0/id", "value": "edge"}"#),
            edit(r#"{"op": "add", "path": "/components/-", "value": {"id": "db"}}"#),
            edit(r#"{"op": "add", "path": "/components/1", "value": {"id": "web"}}"#),
            edit(r#"{"op": "remove", "path": "/components/db"}"#),
        ];
        apply_all(&mut doc, &edits).unwrap();
        assert_eq!(
            doc,
            json!({"components": [{"id": "edge"}, {"id": "web"},
                {"id": "app", "spec": {"app": {"sessions": "buddy"}}}]})
        );
    }

    #[test]
    fn edits_apply_to_a_typed_scenario() {
        let s = crate::scenario::builtins::get("liferay-reference")
            .unwrap()
            .scenario();
        let nodes = edit(r#"{"op": "add", "path": "/components/app/spec/app/nodes", "value": 5}"#);
        let out = apply_to_scenario(&s, &[nodes]).unwrap();
        assert_eq!(out.components[2].spec, {
            let mut c = s.components[2].spec.clone();
            if let crate::scenario::Spec::App(a) = &mut c {
                a.nodes = 5;
            }
            c
        });
        let bad = edit(r#"{"op": "add", "path": "/components/app/spec/app/nodes", "value": "x"}"#);
        let ps = apply_to_scenario(&s, &[bad]).unwrap_err();
        assert!(
            ps[0]
                .path
                .starts_with("change: components[2].spec.app.nodes"),
            "{ps:?}"
        );
        let gone = edit(r#"{"op": "remove", "path": "/components/nope"}"#);
        let ps = apply_to_scenario(&s, &[gone]).unwrap_err();
        assert_eq!(ps[0].path, "change[0].path");
    }

    #[test]
    fn edits_that_do_not_apply_say_where() {
        let mut doc = json!({"a": {"b": 1}, "list": [1, 2]});
        let bad = |text: &str, doc: &mut Value| apply(doc, &edit(text)).unwrap_err();
        assert_eq!(
            bad(r#"{"op": "replace", "path": "/a/c", "value": 2}"#, &mut doc),
            "`/a/c` does not exist"
        );
        assert_eq!(
            bad(r#"{"op": "add", "path": "/x/y", "value": 2}"#, &mut doc),
            "`/x` does not exist"
        );
        assert_eq!(
            bad(r#"{"op": "remove", "path": "/list/2"}"#, &mut doc),
            "`/list/2` does not exist"
        );
        assert_eq!(
            bad(r#"{"op": "add", "path": "/a/b/c", "value": 2}"#, &mut doc),
            "`/a/b` is neither an object nor an array"
        );
        assert!(bad(r#"{"op": "add", "path": "a", "value": 2}"#, &mut doc).contains("pointer"));
        // Escapes: `~1` is a slash in a member name.
        apply(
            &mut doc,
            &edit(r#"{"op": "add", "path": "/a/x~1y", "value": 3}"#),
        )
        .unwrap();
        assert_eq!(doc["a"]["x/y"], json!(3));
    }
}
