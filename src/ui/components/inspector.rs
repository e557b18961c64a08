//! The inspector: every parameter of the selected component, site, link or fault with units,
//! defaults and inline validation; the scenario settings when nothing is selected.

use crate::scenario::{Problem, Scenario};
use crate::ui::components::add_call::AddCall;
use crate::ui::components::field::{Field, FieldKind};
use crate::ui::components::figures::RunFigures;
use crate::ui::context::{use_editor, EditorContext};
use crate::ui::form::{self, FormCtx};
use crate::ui::state::{default_spec, kind_label, Action, Sel};
use serde_json::Value;
use std::rc::Rc;
use yew::prelude::*;

/// Reads the editor from [`EditorContext`]; the selected component's figures of the last run
/// come from the run context ([`RunFigures`]).
#[function_component(Inspector)]
pub fn inspector() -> Html {
    let ed = use_editor();
    let s = ed.scenario.clone();
    let json = serde_json::to_value(&*s).unwrap_or(Value::Null);
    let ctx = FormCtx {
        components: Rc::new(s.components.iter().map(|c| c.id.clone()).collect()),
        sites: Rc::new(s.sites.iter().map(|x| x.id.clone()).collect()),
        problems: ed.problems.clone(),
        onset: {
            let s = s.clone();
            let ondispatch = ed.dispatch.clone();
            Callback::from(move |(path, value): (String, Option<Value>)| {
                match form::edit(&s, &path, value) {
                    Ok(next) => {
                        ondispatch.emit(Action::Replace(Box::new(next)));
                        None
                    }
                    Err(e) => Some(e),
                }
            })
        },
    };
    let dispatch = |a: Action| {
        let d = ed.dispatch.clone();
        Callback::from(move |_: MouseEvent| d.emit(a.clone()))
    };

    let body = match ed.selection.as_slice() {
        [] => settings(&s, &json, &ctx),
        [Sel::Component(id)] => match s.components.iter().position(|c| c.id == *id) {
            Some(i) => component(&s, &json, &ctx, i, &ed),
            None => html! {},
        },
        [Sel::Site(id)] => match s.sites.iter().position(|x| x.id == *id) {
            Some(i) => site(&s, &json, &ctx, i, &ed),
            None => html! {},
        },
        [Sel::Link(a, b)] => html! {
            <>
            <h3>{ format!("Link {a} → {b}") }</h3>
            <p class="hint">{ format!("{a} calls {b} for each request it handles.") }</p>
            <button class="btn danger" id="delete-selected" onclick={dispatch(Action::Disconnect { from: a.clone(), to: b.clone() })}>{ "Remove link" }</button>
            </>
        },
        [Sel::Fault(i)] => match s.faults.get(*i) {
            Some(f) => {
                let path = format!("faults[{i}]");
                let inner = json
                    .pointer(&format!("/faults/{i}/{}", f.kind_name()))
                    .and_then(|v| v.as_object())
                    .cloned()
                    .unwrap_or_default();
                let inner = with_optional_fault_fields(&format!("{path}.{}", f.kind_name()), inner);
                html! {
                    <>
                    <h3>{ format!("Fault #{}: {}", i + 1, form::label(f.kind_name())) }</h3>
                    { ctx.object(&format!("{path}.{}", f.kind_name()), &inner, Some(&fault_defaults())) }
                    <button class="btn danger" id="delete-selected" onclick={dispatch(Action::DeleteSelected)}>{ "Delete fault" }</button>
                    </>
                }
            }
            None => html! {},
        },
        many => html! {
            <>
            <h3>{ format!("{} selected", many.len()) }</h3>
            <div class="actions">
                <button class="btn" id="group-into-site" onclick={dispatch(Action::GroupIntoSite)}>{ "Group into a site" }</button>
                <button class="btn" onclick={dispatch(Action::DuplicateSelected)}>{ "Duplicate" }</button>
                <button class="btn danger" id="delete-selected" onclick={dispatch(Action::DeleteSelected)}>{ "Delete" }</button>
            </div>
            </>
        },
    };
    html! {
        <div class="inspector-body" id="inspector" data-testid="inspector">
            { body }
        </div>
    }
}

/// A site's fields: id (renames every reference), name, kind, members and its box.
fn site(s: &Scenario, json: &Value, ctx: &FormCtx, i: usize, ed: &EditorContext) -> Html {
    let site = &s.sites[i];
    let path = format!("sites[{i}]");
    let rect = site.rect.unwrap_or([0, 0, 300, 200]);
    let members: Vec<String> = s
        .components
        .iter()
        .filter(|c| c.site.as_deref() == Some(site.id.as_str()))
        .map(|c| c.id.clone())
        .collect();
    let rename = {
        let d = ed.dispatch.clone();
        let site = site.clone();
        Callback::from(move |v: Option<Value>| {
            let to = v
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default();
            d.emit(Action::UpdateSite {
                id: site.id.clone(),
                site: crate::scenario::Site {
                    id: to,
                    ..site.clone()
                },
            });
            None
        })
    };
    html! {
        <>
        <h3>{ format!("Site {}", site.id) }</h3>
        <Field path={format!("{path}.id")} label="Id" kind={FieldKind::Text} value={Some(Value::from(site.id.clone()))} oncommit={rename} />
        { ctx.field(&format!("{path}.name"), "name", Some(&Value::from(site.name.clone())), None) }
        { ctx.field(&format!("{path}.kind"), "kind", json.pointer(&format!("/sites/{i}/kind")), Some(&Value::from("zonal"))) }
        <p class="hint" id="site-members">{
            match members.as_slice() {
                [] => "No components in this site yet: drag nodes into its box.".to_string(),
                m => format!("Components in this site: {}.", m.join(", ")),
            }
        }</p>
        <fieldset class="group"><legend>{ "Box (canvas units)" }</legend>
            { for ["x", "y", "width", "height"].iter().enumerate().map(|(k, name)| {
                let onset = ctx.onset.clone();
                let d = ed.dispatch.clone();
                let boxed = site.rect.is_some();
                let id = site.id.clone();
                let p = format!("{path}.rect[{k}]");
                let rect_path = format!("{path}.rect");
                let oncommit = Callback::from(move |v: Option<Value>| {
                    let n = v
                        .and_then(|v| v.as_i64())
                        .and_then(|n| i32::try_from(n).ok())
                        .unwrap_or(rect[k]);
                    if !boxed {
                        let mut r = rect;
                        r[k] = n;
                        return onset.emit((rect_path.clone(), Some(serde_json::json!(r))));
                    }
                    // Like dragging the box: x/y move it with its components,
                    // width/height resize it and its membership follows.
                    let delta = n.saturating_sub(rect[k]);
                    let (dx, dy) = if k % 2 == 0 { (delta, 0) } else { (0, delta) };
                    d.emit(Action::DragSite { id: id.clone(), resize: k >= 2, dx, dy });
                    None
                });
                html! { <Field path={p} label={name.to_string()} kind={FieldKind::Integer} value={Some(Value::from(rect[k]))} {oncommit} /> }
            }) }
        </fieldset>
        <button class="btn danger" onclick={ed.act(Action::DeleteSelected)} id="delete-selected">{ "Delete site" }</button>
        </>
    }
}

/// The CSS class of a problem's severity.
fn severity_class(s: crate::scenario::Severity) -> &'static str {
    match s {
        crate::scenario::Severity::Error => "error",
        crate::scenario::Severity::Warning => "warning",
    }
}

/// What an absent optional fault field means, shown as the field's default.
fn fault_defaults() -> Value {
    serde_json::json!({
        "node": "all nodes",
        "duration": "until the end of the run",
        "component": "all components",
        "one_way": false,
    })
}

/// Optional fields (absent when none) that a fault accepts, as the format says, added empty
/// for editing.
fn with_optional_fault_fields(
    path: &str,
    mut o: serde_json::Map<String, Value>,
) -> serde_json::Map<String, Value> {
    let root = crate::scenario::schema::committed();
    for k in crate::scenario::schema::optional_fields(root, path) {
        o.entry(k).or_insert(Value::Null);
    }
    o
}

fn settings(s: &Scenario, json: &Value, ctx: &FormCtx) -> Html {
    let field = |key: &str| ctx.value(key, key, json.get(key).unwrap_or(&Value::Null), None);
    let defaults = serde_json::to_value(crate::scenario::Traffic::default()).ok();
    let traffic = json
        .get("traffic")
        .and_then(|t| t.as_object())
        .cloned()
        .unwrap_or_default();
    let entry_boxes = s.components.iter().map(|c| {
        let on = s.traffic.entry.contains(&c.id);
        let onchange = {
            let onset = ctx.onset.clone();
            let entry0 = s.traffic.entry.clone();
            let id = c.id.clone();
            Callback::from(move |_: Event| {
                let mut entry = entry0.clone();
                if on { entry.retain(|e| *e != id) } else { entry.push(id.clone()) }
                onset.emit(("traffic.entry".into(), Some(serde_json::json!(entry))));
            })
        };
        let dom = format!("entry-{}", c.id);
        html! { <label class="check" for={dom.clone()} key={c.id.clone()}><input type="checkbox" id={dom} checked={on} {onchange} />{ c.id.clone() }</label> }
    });
    let metrics = json
        .get("metrics")
        .and_then(|m| m.as_object())
        .cloned()
        .unwrap_or_else(|| {
            serde_json::to_value(crate::scenario::MetricsSettings::default())
                .ok()
                .and_then(|v| v.as_object().cloned())
                .unwrap_or_default()
        });
    let fidelity = json
        .get("fidelity")
        .cloned()
        .unwrap_or(Value::from("request"));
    let routing = json
        .get("routing")
        .cloned()
        .unwrap_or(Value::from("single"));
    html! {
        <>
        <h3>{ "Scenario" }</h3>
        <p class="hint">{ "Select a component, link, site or fault to edit it. Shift-click to select several." }</p>
        { field("name") }
        { ctx.field("description", "description", Some(json.get("description").unwrap_or(&Value::from(""))), None) }
        { field("seed") }
        { field("horizon") }
        { ctx.field("fidelity", "fidelity", Some(&fidelity), None) }
        <fieldset class="group"><legend>{ "Traffic" }</legend>
            <div class="field" id="f-traffic-entry"><span class="label">{ "Entry points (receive client traffic)" }</span><div class="checks">{ for entry_boxes }</div></div>
            { ctx.object("traffic", &{ let mut t = traffic; t.remove("entry"); t }, defaults.as_ref()) }
        </fieldset>
        { ctx.value("routing", "routing", &routing, None) }
        if s.sites.len() >= 2 || !s.site_links.is_empty() {
            { ctx.value("site_links", "site_links", json.get("site_links").unwrap_or(&Value::Array(Vec::new())), None) }
        }
        <fieldset class="group"><legend>{ "Metrics" }</legend>{ ctx.object("metrics", &metrics, None) }</fieldset>
        </>
    }
}

fn component(s: &Scenario, json: &Value, ctx: &FormCtx, i: usize, ed: &EditorContext) -> Html {
    let c = &s.components[i];
    let kind = c.spec.kind_name();
    let path = format!("components[{i}]");
    let spec_json = json
        .pointer(&format!("/components/{i}/spec/{kind}"))
        .and_then(|v| v.as_object())
        .cloned()
        .unwrap_or_default();
    let defaults = default_spec(kind)
        .and_then(|d| serde_json::to_value(d).ok())
        .and_then(|v| v.get(kind).cloned());
    let rename = {
        let d = ed.dispatch.clone();
        let from = c.id.clone();
        Callback::from(move |v: Option<Value>| {
            let to = v
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default();
            d.emit(Action::RenameComponent {
                from: from.clone(),
                to,
            });
            None
        })
    };
    let calls = c.next.iter().map(|n| {
        let d = ed.dispatch.clone();
        let (from, to) = (c.id.clone(), n.clone());
        let onclick = Callback::from(move |_| d.emit(Action::Disconnect { from: from.clone(), to: to.clone() }));
        html! { <li key={n.clone()}>{ n.clone() }<button class="btn small" {onclick} aria-label={format!("Remove link to {n}")}>{ "×" }</button></li> }
    });
    let failure = json.pointer(&format!("/components/{i}/failure")).cloned();
    let toggle_failure = {
        let onset = ctx.onset.clone();
        let p = format!("{path}.failure");
        let has = failure.is_some();
        Callback::from(move |_: Event| {
            let v = (!has)
                .then(|| serde_json::json!({"mtbf": "30d", "mttr": "1h", "repair": "exponential"}));
            onset.emit((p.clone(), v));
        })
    };
    let mine: Vec<&Problem> = ed
        .problems
        .iter()
        .filter(|p| p.component.as_deref() == Some(c.id.as_str()))
        .collect();
    let dispatch = |a: Action| {
        let d = ed.dispatch.clone();
        Callback::from(move |_: MouseEvent| d.emit(a.clone()))
    };
    html! {
        <>
        <h3>{ format!("{}: {}", kind_label(kind), c.id) }</h3>
        if !mine.is_empty() {
            <ul class="problems inline">{ for mine.iter().map(|p| html! { <li class={severity_class(p.severity)}>{ p.message.clone() }</li> }) }</ul>
        }
        <RunFigures id={c.id.clone()} />
        <Field path={format!("{path}.id")} label="Id" kind={FieldKind::Text} value={Some(Value::from(c.id.clone()))} oncommit={rename} />
        { ctx.field(&format!("{path}.name"), "name", Some(&Value::from(c.name.clone())), None) }
        { ctx.field(&format!("{path}.site"), "site", c.site.as_ref().map(|x| Value::from(x.clone())).as_ref(), None) }
        <div class="field"><span class="label">{ "Calls (in order)" }</span>
            if c.next.is_empty() { <span class="hint">{ "nothing: drag from the round handle to another node" }</span> }
            <ul class="calls">{ for calls }</ul>
            <AddCall from={c.id.clone()} key={c.id.clone()} />
        </div>
        <fieldset class="group"><legend>{ "Parameters" }</legend>
            { ctx.object(&format!("{path}.spec.{kind}"), &spec_json, defaults.as_ref()) }
        </fieldset>
        <fieldset class="group"><legend>{ "Random failures (per node)" }</legend>
            <label class="check"><input type="checkbox" id="random-failures" checked={failure.is_some()} onchange={toggle_failure} />{ "MTBF / MTTR" }</label>
            if let Some(Value::Object(f)) = &failure { { ctx.object(&format!("{path}.failure"), f, Some(&serde_json::json!({"repair": "exponential"}))) } }
        </fieldset>
        <div class="actions">
            <button class="btn" onclick={dispatch(Action::DuplicateSelected)}>{ "Duplicate" }</button>
            <button class="btn" id="group-into-site" onclick={dispatch(Action::GroupIntoSite)}>{ "Group into a site" }</button>
            <button class="btn danger" id="delete-selected" onclick={dispatch(Action::DeleteSelected)}>{ "Delete" }</button>
        </div>
        </>
    }
}
