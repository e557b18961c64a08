//! The inspector's generic form: walks the scenario JSON under a path and renders a [`Field`]
//! for every parameter, with its unit, default and problems. Edits set one value at a path in
//! the scenario JSON and are accepted only when the result still reads as a scenario.

use crate::scenario::schema::{self, FieldInfo, FieldShape};
use crate::scenario::{Problem, Scenario};
use crate::ui::components::field::{Field, FieldKind};
use serde_json::{Map, Value};
use std::rc::Rc;
use yew::prelude::*;

/// One step of a path like `components[3].spec.app.nodes`.
#[derive(Clone, Debug, PartialEq)]
pub enum Seg {
    Key(String),
    Index(usize),
}

/// Splits a path into segments; `None` when malformed.
pub fn parse_path(path: &str) -> Option<Vec<Seg>> {
    let mut out = Vec::new();
    for part in path.split('.') {
        let (key, mut rest) = match part.find('[') {
            Some(i) => (&part[..i], &part[i..]),
            None => (part, ""),
        };
        if !key.is_empty() {
            out.push(Seg::Key(key.to_string()));
        }
        while let Some(r) = rest.strip_prefix('[') {
            let end = r.find(']')?;
            out.push(Seg::Index(r[..end].parse().ok()?));
            rest = &r[end + 1..];
        }
    }
    Some(out)
}

/// Sets (or with `None` removes) the value at `path`, creating objects on the way.
pub fn set_at(root: &mut Value, path: &str, value: Option<Value>) -> Result<(), String> {
    let segs = parse_path(path).ok_or_else(|| format!("bad path `{path}`"))?;
    let (last, init) = segs.split_last().ok_or("empty path")?;
    let mut cur = root;
    for seg in init {
        cur = match seg {
            Seg::Key(k) => {
                if !cur.is_object() {
                    *cur = Value::Object(Map::new());
                }
                let obj = cur.as_object_mut().ok_or("not an object")?;
                obj.entry(k.clone()).or_insert(Value::Object(Map::new()))
            }
            Seg::Index(i) => cur
                .as_array_mut()
                .and_then(|a| a.get_mut(*i))
                .ok_or_else(|| format!("no item {i} at `{path}`"))?,
        };
    }
    match (last, value) {
        (Seg::Key(k), Some(v)) => {
            if !cur.is_object() {
                *cur = Value::Object(Map::new());
            }
            cur.as_object_mut()
                .ok_or("not an object")?
                .insert(k.clone(), v);
        }
        (Seg::Key(k), None) => {
            if let Some(o) = cur.as_object_mut() {
                o.remove(k);
            }
        }
        (Seg::Index(i), v) => {
            let arr = cur.as_array_mut().ok_or("not a list")?;
            match v {
                Some(v) => *arr.get_mut(*i).ok_or("no such item")? = v,
                None => {
                    if *i < arr.len() {
                        arr.remove(*i);
                    }
                }
            }
        }
    }
    Ok(())
}

/// The value at `path`.
pub fn get_at<'a>(root: &'a Value, path: &str) -> Option<&'a Value> {
    let mut cur = root;
    for seg in parse_path(path)? {
        cur = match seg {
            Seg::Key(k) => cur.get(&k)?,
            Seg::Index(i) => cur.get(i)?,
        };
    }
    Some(cur)
}

/// Applies one edit to a scenario: the new scenario, or why it was refused.
pub fn edit(scenario: &Scenario, path: &str, value: Option<Value>) -> Result<Scenario, String> {
    let mut json = serde_json::to_value(scenario).map_err(|e| e.to_string())?;
    set_at(&mut json, path, value)?;
    serde_json::from_value(json).map_err(|e| format!("not accepted: {e}"))
}

/// A readable label from a JSON key.
pub fn label(key: &str) -> String {
    /// Abbreviations written as people write them.
    const UPPER: [&str; 13] = [
        "mtbf", "mttr", "rto", "rpo", "dns", "bgp", "ttl", "vip", "id", "lb", "db", "ip", "cpu",
    ];
    let words: Vec<String> = key
        .split('_')
        .filter(|w| !w.is_empty())
        .enumerate()
        .map(|(i, w)| {
            if UPPER.contains(&w.to_ascii_lowercase().as_str()) {
                w.to_ascii_uppercase()
            } else if i == 0 {
                let mut c = w.chars();
                c.next()
                    .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
                    .unwrap_or_default()
            } else {
                w.to_string()
            }
        })
        .collect();
    words.join(" ")
}

/// What the scenario format says about the field at `path` (kind, unit, default, description),
/// read from the generated schema (`static/scenario.schema.json`, parsed once).
fn info(path: &str) -> Option<FieldInfo> {
    schema::field_at(schema::committed(), path)
}

/// Enums with data: the value a freshly chosen variant starts with (editorial presets; a test
/// checks that the variants are the format's own, in its order).
pub fn variant_templates(key: &str) -> Option<Vec<(&'static str, Value)>> {
    use serde_json::json;
    Some(match key {
        "routing" => vec![
            ("single", json!("single")),
            (
                "dns",
                json!({"dns": {"ttl": "60s", "detection": "30s", "stale_share": 0.1, "stale_for": "1h", "active_active": false}}),
            ),
            (
                "bgp",
                json!({"bgp": {"convergence": "30s", "detection": "10s", "active_active": false}}),
            ),
        ],
        "profile" => vec![
            ("constant", json!("constant")),
            (
                "daily",
                json!({"daily": {"peak": 1.5, "trough": 0.3, "peak_at": "14h"}}),
            ),
            ("steps", json!({"steps": [{"at": "30m", "factor": 2.0}]})),
        ],
        "repair" => vec![
            ("exponential", json!("exponential")),
            ("lognormal", json!({"lognormal": {"sigma": 1.0}})),
            ("fixed", json!("fixed")),
        ],
        _ => return None,
    })
}

/// An object's entries with the most telling keys first (when, what), then the rest by name.
fn ordered(obj: &Map<String, Value>) -> Vec<(&String, &Value)> {
    // A load balancer's mode and stickiness say most about it: right after the node count.
    const FIRST: [&str; 14] = [
        "at", "target", "site", "a", "b", "from", "to", "blue", "green", "node", "duration",
        "nodes", "mode", "sticky",
    ];
    let rank = |k: &str| FIRST.iter().position(|f| *f == k).unwrap_or(FIRST.len());
    let mut v: Vec<(&String, &Value)> = obj.iter().collect();
    v.sort_by(|x, y| rank(x.0).cmp(&rank(y.0)).then_with(|| x.0.cmp(y.0)));
    v
}

/// What the form needs besides the JSON: references to offer and where to send edits.
#[derive(Clone, PartialEq)]
pub struct FormCtx {
    pub components: Rc<Vec<String>>,
    pub sites: Rc<Vec<String>>,
    pub problems: Rc<Vec<Problem>>,
    /// Sets a value at a path in the scenario; returns an error when refused.
    pub onset: Callback<(String, Option<Value>), Option<String>>,
}

impl FormCtx {
    fn problem_at(&self, path: &str) -> Option<String> {
        let msgs: Vec<String> = self
            .problems
            .iter()
            .filter(|p| p.path == path)
            .map(|p| p.message.clone())
            .collect();
        (!msgs.is_empty()).then(|| msgs.join("; "))
    }

    fn commit_to(&self, path: &str) -> Callback<Option<Value>, Option<String>> {
        let onset = self.onset.clone();
        let path = path.to_string();
        Callback::from(move |v: Option<Value>| onset.emit((path.clone(), v)))
    }

    fn refs(&self, list: &[String], none: bool) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = Vec::new();
        if none {
            out.push((String::new(), "(none)".into()));
        }
        out.extend(list.iter().map(|x| (x.clone(), x.clone())));
        out
    }

    /// The field kind for a key and its current value: references to the scenario's ids, else
    /// what the format says.
    fn kind_for(
        &self,
        key: &str,
        path: &str,
        value: Option<&Value>,
        info: Option<&FieldInfo>,
    ) -> FieldKind {
        match key {
            "description" => return FieldKind::LongText,
            "target" | "blue" | "green" => {
                return FieldKind::Select(self.refs(&self.components, false))
            }
            "component" => return FieldKind::Select(self.refs(&self.components, true)),
            "site" if path.contains("faults") => {
                return FieldKind::Select(self.refs(&self.sites, false))
            }
            "site" => return FieldKind::Select(self.refs(&self.sites, true)),
            "a" | "b" | "from" | "to" => return FieldKind::Select(self.refs(&self.sites, false)),
            _ => {}
        }
        match info.map(|i| &i.kind) {
            Some(FieldShape::Duration) => FieldKind::Duration,
            Some(FieldShape::Share) => FieldKind::Share,
            Some(FieldShape::Enum(names)) => {
                FieldKind::Select(names.iter().map(|n| (n.clone(), label(n))).collect())
            }
            Some(FieldShape::Integer) => FieldKind::Integer,
            Some(FieldShape::Number) => FieldKind::Number,
            Some(FieldShape::Bool) => FieldKind::Bool,
            Some(FieldShape::Text) => FieldKind::Text,
            None => match value {
                Some(Value::Bool(_)) => FieldKind::Bool,
                Some(Value::Number(n)) if n.is_u64() => FieldKind::Integer,
                Some(Value::Number(_)) => FieldKind::Number,
                _ => FieldKind::Text,
            },
        }
    }

    /// One leaf field; `default` (what an absent value means) wins over the format's default.
    pub fn field(
        &self,
        path: &str,
        key: &str,
        value: Option<&Value>,
        default: Option<&Value>,
    ) -> Html {
        let info = info(path);
        let kind = self.kind_for(key, path, value, info.as_ref());
        let default = default.or(info.as_ref().and_then(|i| i.default.as_ref()));
        let default = default.map(|d| match d {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        });
        let unit = info.as_ref().map(|i| i.unit.clone()).unwrap_or_default();
        let help = info.and_then(|i| i.description);
        html! {
            <Field key={path.to_string()} path={path.to_string()} label={label(key)} kind={kind}
                value={value.cloned()} {unit} {default} {help}
                problem={self.problem_at(path)} oncommit={self.commit_to(path)} />
        }
    }

    /// Every field of an object, recursively; `defaults` is the same object with default values.
    pub fn object(&self, path: &str, obj: &Map<String, Value>, defaults: Option<&Value>) -> Html {
        html! {
            <>
            { for ordered(obj).into_iter().map(|(k, v)| {
                let p = if path.is_empty() { k.clone() } else { format!("{path}.{k}") };
                self.value(&p, k, v, defaults.and_then(|d| d.get(k)))
            }) }
            </>
        }
    }

    /// A value of any shape under `key`.
    pub fn value(&self, path: &str, key: &str, v: &Value, default: Option<&Value>) -> Html {
        if let Some(templates) = variant_templates(key) {
            return self.variant(path, key, v, &templates);
        }
        match v {
            Value::Object(o) => html! {
                <fieldset key={path.to_string()} class="group">
                    <legend>{ label(key) }</legend>
                    { self.object(path, o, default) }
                </fieldset>
            },
            Value::Array(items) if key != "entry" && key != "next" => {
                let add = {
                    let onset = self.onset.clone();
                    let path = path.to_string();
                    let list0 = items.clone();
                    let template = match key {
                        "replicas" => Some(serde_json::json!({"standby": "hot"})),
                        "site_links" if items.is_empty() => {
                            match (self.sites.first(), self.sites.get(1)) {
                                (Some(a), Some(b)) => {
                                    Some(serde_json::json!({"a": a, "b": b, "latency": "1ms"}))
                                }
                                _ => None,
                            }
                        }
                        _ => items.last().cloned(),
                    };
                    Callback::from(move |_| {
                        if let Some(t) = template.clone() {
                            let mut list = list0.clone();
                            list.push(t);
                            onset.emit((path.clone(), Some(Value::Array(list.clone()))));
                        }
                    })
                };
                html! {
                    <fieldset key={path.to_string()} class="group">
                        <legend>{ label(key) }</legend>
                        { for items.iter().enumerate().map(|(i, item)| {
                            let ip = format!("{path}[{i}]");
                            let remove = {
                                let onset = self.onset.clone();
                                let ip = ip.clone();
                                Callback::from(move |_| { onset.emit((ip.clone(), None)); })
                            };
                            let body = match item {
                                Value::Object(o) => {
                                    let mut o = o.clone();
                                    if key == "replicas" && !o.contains_key("site") {
                                        o.insert("site".into(), Value::String(String::new()));
                                    }
                                    self.object(&ip, &o, None)
                                }
                                other => self.field(&ip, &format!("{key} {}", i + 1), Some(other), None),
                            };
                            html! {
                                <div class="item" key={ip.clone()}>
                                    <div class="item-head">
                                        <span>{ format!("#{}", i) }</span>
                                        <button class="btn small" onclick={remove}
                                            aria-label={format!("Remove {} #{i}", label(key))}>{ "Remove" }</button>
                                    </div>
                                    { body }
                                </div>
                            }
                        }) }
                        <button class="btn small" onclick={add}>{ format!("Add {}", label(key).to_lowercase()) }</button>
                    </fieldset>
                }
            }
            Value::Array(_) => html! {},
            Value::String(s) if s.is_empty() && key == "site" => {
                self.field(path, key, None, default)
            }
            other => self.field(path, key, Some(other), default),
        }
    }

    /// An enum with data: a variant picker plus the chosen variant's fields.
    fn variant(
        &self,
        path: &str,
        key: &str,
        v: &Value,
        templates: &[(&'static str, Value)],
    ) -> Html {
        let (current, inner) = match v {
            Value::String(s) => (s.clone(), None),
            Value::Object(o) if o.len() == 1 => {
                let (k, inner) = o
                    .iter()
                    .next()
                    .map(|(k, i)| (k.clone(), Some(i)))
                    .unwrap_or_default();
                (k, inner)
            }
            _ => (String::new(), None),
        };
        let options: Vec<(String, String)> = templates
            .iter()
            .map(|(n, _)| (n.to_string(), label(n)))
            .collect();
        let onpick = {
            let onset = self.onset.clone();
            let path = path.to_string();
            let templates: Vec<(String, Value)> = templates
                .iter()
                .map(|(n, t)| (n.to_string(), t.clone()))
                .collect();
            Callback::from(move |picked: Option<Value>| {
                let name = picked
                    .as_ref()
                    .and_then(|p| p.as_str())
                    .unwrap_or_default()
                    .to_string();
                match templates.iter().find(|(n, _)| *n == name) {
                    Some((_, t)) => onset.emit((path.clone(), Some(t.clone()))),
                    None => Some(format!("unknown choice `{name}`")),
                }
            })
        };
        let inner_path = format!("{path}.{current}");
        html! {
            <fieldset key={path.to_string()} class="group">
                <legend>{ label(key) }</legend>
                <Field path={path.to_string()} label={format!("{} kind", label(key))}
                    kind={FieldKind::Select(options)} value={Some(Value::String(current.clone()))}
                    problem={self.problem_at(path)} oncommit={onpick} />
                { match inner {
                    Some(Value::Object(o)) => self.object(&inner_path, o, None),
                    Some(other) => self.value(&inner_path, &current, other, None),
                    None => html! {},
                } }
            </fieldset>
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::{builtins, Spec};

    #[test]
    fn paths_parse_and_set() {
        assert_eq!(
            parse_path("components[3].spec.app.nodes").unwrap(),
            vec![
                Seg::Key("components".into()),
                Seg::Index(3),
                Seg::Key("spec".into()),
                Seg::Key("app".into()),
                Seg::Key("nodes".into())
            ]
        );
        assert!(parse_path("a[x]").is_none());
        let s = builtins::get("liferay-reference").unwrap().scenario();
        let s2 = edit(&s, "components[2].spec.app.nodes", Some(Value::from(5u64))).unwrap();
        assert!(matches!(&s2.components[2].spec, Spec::App(a) if a.nodes == 5));
        let s3 = edit(&s, "traffic.sessions_per_s", Some(Value::from(7.5))).unwrap();
        assert_eq!(s3.traffic.sessions_per_s, 7.5);
        let s4 = edit(
            &s,
            "components[2].spec.app.sessions",
            Some(Value::from("teleport")),
        );
        assert!(s4.unwrap_err().contains("not accepted"));
        let s5 = edit(&s, "components[3].spec.database.replicas[0]", None).unwrap();
        assert!(matches!(&s5.components[3].spec, Spec::Database(d) if d.replicas.is_empty()));
        let s6 = edit(
            &s,
            "routing",
            variant_templates("routing").unwrap()[1].1.clone().into(),
        )
        .unwrap();
        assert!(matches!(
            s6.routing,
            crate::scenario::GlobalRouting::Dns { .. }
        ));
        let json = serde_json::to_value(&s).unwrap();
        assert_eq!(get_at(&json, "components[0].id"), Some(&Value::from("lb")));
    }

    #[test]
    fn fields_come_when_and_what_first() {
        let v = serde_json::json!({"added": "1s", "target": "app", "at": "5m", "duration": "1m"});
        let keys: Vec<&str> = ordered(v.as_object().unwrap())
            .iter()
            .map(|(k, _)| k.as_str())
            .collect();
        assert_eq!(keys, ["at", "target", "duration", "added"]);
        let lb = serde_json::json!({"algorithm": "round_robin", "capacity": {}, "sticky": true, "mode": "single"});
        let keys: Vec<&str> = ordered(lb.as_object().unwrap())
            .iter()
            .map(|(k, _)| k.as_str())
            .collect();
        assert_eq!(keys, ["mode", "sticky", "algorithm", "capacity"]);
    }

    #[test]
    fn labels_are_written_out() {
        assert_eq!(label("mtbf"), "MTBF");
        assert_eq!(label("mttr"), "MTTR");
        assert_eq!(label("dns_failure"), "DNS failure");
        assert_eq!(label("sessions_per_s"), "Sessions per s");
        assert_eq!(label("fence_unreachable"), "Fence unreachable");
        assert_eq!(label("stale_ttl"), "Stale TTL");
        assert_eq!(label(""), "");
    }

    #[test]
    fn variant_templates_are_the_formats_variants() {
        let root = schema::committed();
        for (path, key) in [
            ("routing", "routing"),
            ("traffic.profile", "profile"),
            ("components[0].failure.repair", "repair"),
        ] {
            let names: Vec<&str> = variant_templates(key)
                .unwrap()
                .iter()
                .map(|t| t.0)
                .collect();
            assert_eq!(schema::variants_at(root, path), names, "{path}");
        }
    }

    #[test]
    fn fields_read_the_format() {
        let f = |p: &str| info(p).unwrap_or_else(|| panic!("{p}"));
        assert_eq!(
            f("components[1].spec.app.capacity.service_time").kind,
            FieldShape::Duration
        );
        assert_eq!(
            f("components[1].spec.cache.hit_ratio").kind,
            FieldShape::Share
        );
        assert_eq!(f("components[1].spec.app.nodes").unit, "nodes");
        assert_eq!(f("faults[0].flapping.cycles").unit, "cycles");
        assert_eq!(
            f("sites[0].kind").kind,
            FieldShape::Enum(vec!["zonal".into(), "regional".into()])
        );
        assert_eq!(
            f("metrics.success_threshold").default,
            Some(Value::from(0.99))
        );
    }

    #[test]
    fn every_variant_template_is_accepted() {
        let s = builtins::get("liferay-reference").unwrap().scenario();
        for (path, key) in [("routing", "routing"), ("traffic.profile", "profile")] {
            for (_, t) in variant_templates(key).unwrap() {
                edit(&s, path, Some(t)).unwrap();
            }
        }
        let with_failure = edit(
            &s,
            "components[0].failure",
            Some(serde_json::json!({"mtbf": "30d", "mttr": "1h"})),
        )
        .unwrap();
        for (_, t) in variant_templates("repair").unwrap() {
            edit(&with_failure, "components[0].failure.repair", Some(t)).unwrap();
        }
    }
}
