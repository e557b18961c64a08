//! One labelled input for one scenario value, with its unit, default and inline validation.
//! Invalid text stays in the input with a message under it; nothing is committed until valid.

use crate::scenario::Dur;
use serde_json::Value;
use yew::prelude::*;

/// What kind of value a field edits.
#[derive(Clone, Debug, PartialEq)]
pub enum FieldKind {
    Text,
    /// Several lines of text (a description).
    LongText,
    Duration,
    /// A whole number ≥ 0.
    Integer,
    Number,
    /// A share between 0 and 1.
    Share,
    Bool,
    /// One of the options; the first entry may be "" meaning "none" (the value is removed).
    Select(Vec<(String, String)>),
}

#[derive(Properties, PartialEq)]
pub struct FieldProps {
    /// Path into the scenario JSON; also the input's id and the key of engine problems.
    pub path: String,
    pub label: String,
    pub kind: FieldKind,
    /// The current value (`None` = absent / none).
    pub value: Option<Value>,
    #[prop_or_default]
    pub unit: String,
    /// The default, shown as a hint.
    #[prop_or_default]
    pub default: Option<String>,
    /// What the value means (the format's description), shown as the label's tooltip.
    #[prop_or_default]
    pub help: Option<String>,
    /// A problem the validator reported for this path.
    #[prop_or_default]
    pub problem: Option<String>,
    /// Commits a value (`None` removes it); returns an error message when refused.
    pub oncommit: Callback<Option<Value>, Option<String>>,
}

/// A DOM id made from a path.
pub fn dom_id(path: &str) -> String {
    let mut s = String::from("f-");
    for ch in path.chars() {
        s.push(if ch.is_ascii_alphanumeric() { ch } else { '-' });
    }
    s
}

/// Checks the text typed into a field and turns it into a JSON value.
pub fn parse_input(kind: &FieldKind, text: &str) -> Result<Option<Value>, String> {
    let t = text.trim();
    match kind {
        FieldKind::Text | FieldKind::LongText => Ok(Some(Value::String(text.to_string()))),
        FieldKind::Duration => {
            if t.is_empty() {
                return Ok(None);
            }
            match Dur::parse(t) {
                Dur::Valid(_) => Ok(Some(Value::String(t.to_string()))),
                Dur::Invalid(_) => Err(format!(
                    "`{t}` is not a duration: write a number and a unit, e.g. 250ms, 30s, 5m, 2h, 30d"
                )),
            }
        }
        FieldKind::Integer => {
            if t.is_empty() {
                return Ok(None);
            }
            t.parse::<u64>()
                .map(|n| Some(Value::from(n)))
                .map_err(|_| format!("`{t}` is not a whole number ≥ 0"))
        }
        FieldKind::Number | FieldKind::Share => {
            let x: f64 = t.parse().map_err(|_| format!("`{t}` is not a number"))?;
            if !x.is_finite() {
                return Err("must be a finite number".into());
            }
            if x < 0.0 {
                return Err("must not be negative".into());
            }
            if *kind == FieldKind::Share && x > 1.0 {
                return Err("a share must be between 0 and 1".into());
            }
            Ok(serde_json::Number::from_f64(x).map(Value::Number))
        }
        FieldKind::Bool => Ok(Some(Value::Bool(t == "true"))),
        FieldKind::Select(options) => {
            if t.is_empty() {
                Ok(None)
            } else if options.iter().any(|(v, _)| v == t) {
                Ok(Some(Value::String(t.to_string())))
            } else {
                Err(format!("`{t}` is not one of the choices"))
            }
        }
    }
}

fn value_text(v: &Option<Value>) -> String {
    match v {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    }
}

#[function_component(Field)]
pub fn field(props: &FieldProps) -> Html {
    let error = use_state_eq(|| None::<String>);
    {
        // A new value (undo, another edit) clears a stale message.
        let error = error.clone();
        use_effect_with(props.value.clone(), move |_| error.set(None));
    }
    let id = dom_id(&props.path);
    let commit = {
        let error = error.clone();
        let kind = props.kind.clone();
        let oncommit = props.oncommit.clone();
        move |text: String| match parse_input(&kind, &text) {
            Ok(v) => error.set(oncommit.emit(v)),
            Err(e) => error.set(Some(e)),
        }
    };
    let text = value_text(&props.value);
    let input = match &props.kind {
        FieldKind::Bool => {
            let checked = props.value == Some(Value::Bool(true));
            let commit = commit.clone();
            let onchange = Callback::from(move |e: Event| {
                let input: web_sys::HtmlInputElement = e.target_unchecked_into();
                commit(input.checked().to_string());
            });
            html! { <input type="checkbox" id={id.clone()} {checked} {onchange} /> }
        }
        FieldKind::Select(options) => {
            let commit = commit.clone();
            let onchange = Callback::from(move |e: Event| {
                let sel: web_sys::HtmlSelectElement = e.target_unchecked_into();
                commit(sel.value());
            });
            html! {
                <select id={id.clone()} {onchange}>
                    { for options.iter().map(|(v, label)| html! {
                        <option value={v.clone()} selected={*v == text}>{ label.clone() }</option>
                    }) }
                </select>
            }
        }
        FieldKind::LongText => {
            let commit = commit.clone();
            let onchange = Callback::from(move |e: Event| {
                let area: web_sys::HtmlTextAreaElement = e.target_unchecked_into();
                commit(area.value());
            });
            html! { <textarea id={id.clone()} rows="4" value={text.clone()} {onchange} /> }
        }
        kind => {
            let commit = commit.clone();
            let onchange = Callback::from(move |e: Event| {
                let input: web_sys::HtmlInputElement = e.target_unchecked_into();
                commit(input.value());
            });
            let (ty, step) = match kind {
                FieldKind::Integer => ("number", Some("1")),
                FieldKind::Number => ("number", Some("any")),
                FieldKind::Share => ("number", Some("0.01")),
                _ => ("text", None),
            };
            let placeholder = match kind {
                FieldKind::Duration => "e.g. 30s",
                _ => "",
            };
            html! {
                <input type={ty} id={id.clone()} value={text.clone()} step={step} min={step.map(|_| "0")}
                    {placeholder} {onchange} aria-invalid={error.is_some().to_string()}
                    aria-describedby={format!("{id}-msg")} />
            }
        }
    };
    let message = (*error).clone().or_else(|| props.problem.clone());
    html! {
        <div class={classes!("field", message.is_some().then_some("invalid"))} data-path={props.path.clone()}>
            <label for={id.clone()} title={props.help.clone()}>{ props.label.clone() }</label>
            <div class="field-input">
                { input }
                if !props.unit.is_empty() { <span class="unit">{ props.unit.clone() }</span> }
            </div>
            if let Some(d) = &props.default {
                <span class="default">{ format!("default {d}") }</span>
            }
            <div id={format!("{id}-msg")} class="field-msg" role={message.is_some().then_some("alert")}>
                { message.unwrap_or_default() }
            </div>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inputs_are_checked_before_commit() {
        assert_eq!(
            parse_input(&FieldKind::Duration, " 30s "),
            Ok(Some(Value::String("30s".into())))
        );
        assert!(parse_input(&FieldKind::Duration, "soon")
            .unwrap_err()
            .contains("not a duration"));
        assert_eq!(parse_input(&FieldKind::Duration, ""), Ok(None));
        assert_eq!(
            parse_input(&FieldKind::Integer, "4"),
            Ok(Some(Value::from(4u64)))
        );
        assert!(parse_input(&FieldKind::Integer, "2.5").is_err());
        assert!(parse_input(&FieldKind::Integer, "-1").is_err());
        assert!(parse_input(&FieldKind::Share, "1.5")
            .unwrap_err()
            .contains("between 0 and 1"));
        assert!(parse_input(&FieldKind::Number, "NaN").is_err());
        assert!(parse_input(&FieldKind::Number, "abc").is_err());
        let sel = FieldKind::Select(vec![("a".into(), "A".into())]);
        assert!(parse_input(&sel, "b").is_err());
        assert_eq!(parse_input(&sel, ""), Ok(None));
        assert_eq!(
            dom_id("components[2].spec.app.nodes"),
            "f-components-2--spec-app-nodes"
        );
    }
}
