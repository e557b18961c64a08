//! The lesson's side panel (issue 17), beside the workbench while the learner edits and runs:
//! the current step (instruction, hints one at a time, the goal's conditions with their measured
//! values after a run, "Show me"), the explanation and "Next step" on success, then the quiz and
//! the "what broke?" exercise. State and rules are `ui::lessons::Course`'s.
//!
//! Selectors: `#lesson-panel`, `#lesson-title`, `#lesson-leave`, `#lesson-overview`,
//! `#lesson-message` (progress reset), `#lesson-notice`; the step: `#lesson-step`,
//! `#lesson-instruction`, `#lesson-hint` and `#lesson-hints`, `#lesson-goal` with
//! `[data-goal=I]` (`data-holds=true|false|unmeasured`), `#lesson-show-me`,
//! `#lesson-explanation`, `#lesson-next`; the quiz: `#lesson-quiz`, `[data-question=Q]`, inputs
//! `#quiz-Q-B`, `#quiz-check-Q`, `[data-verdict=right|wrong]`, `#quiz-score`; "what broke?":
//! `#what-broke`, `#broke-start`, `#broke-component`, `#broke-kind`, `#broke-submit`,
//! `#broke-score`.

use crate::lesson::{GoalCheck, Lesson};
use crate::scenario::Scenario;
use crate::ui::context::use_editor;
use crate::ui::lessons::{self, Act, Course};
use crate::ui::state::Action;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct LessonPanelProps {
    pub course: UseReducerHandle<Course>,
    pub onact: Callback<Act>,
    /// The latest run is of the scenario on screen.
    pub fresh: bool,
    pub onrun: Callback<Scenario>,
    pub onoverview: Callback<()>,
}

#[function_component(LessonPanel)]
pub fn lesson_panel(props: &LessonPanelProps) -> Html {
    let c = &props.course;
    let Some((l, p)) = c.current() else {
        return html! {};
    };
    let act = |a: Act| {
        let cb = props.onact.clone();
        Callback::from(move |_: MouseEvent| cb.emit(a.clone()))
    };
    let body = if p.player.finished(l) {
        html! { <><Quiz course={c.clone()} onact={props.onact.clone()} /><WhatBroke course={c.clone()} onact={props.onact.clone()} onrun={props.onrun.clone()} /></> }
    } else {
        html! { <StepView course={c.clone()} onact={props.onact.clone()} fresh={props.fresh} /> }
    };
    let overview = props.onoverview.reform(|_: MouseEvent| ());
    html! {
        <aside id="lesson-panel" class="lesson-panel" aria-label="Lesson">
            <div class="help-head">
                <h2 id="lesson-title">{ format!("Lesson: {}", l.title) }</h2>
                <button id="lesson-leave" class="btn small" onclick={act(Act::Leave)} title="Close the lesson (your progress is kept)" aria-label="Leave the lesson">{ "✕" }</button>
            </div>
            <p class="muted lesson-meta">{ format!("{} · {}", l.concept, lessons::seeds_text(l)) }
                { " · " }<button id="lesson-overview" class="linklike link" onclick={overview}>{ "All lessons" }</button></p>
            if !c.messages.is_empty() {
                <div id="lesson-message" class="banner warning" role="alert">{ c.messages.join(" ") }</div>
            }
            if let Some(n) = &c.notice {
                <div id="lesson-notice" class="banner error" role="alert">{ n.clone() }
                    <button class="btn small" onclick={act(Act::Notice(None))}>{ "Dismiss" }</button></div>
            }
            { body }
        </aside>
    }
}

#[derive(Properties, PartialEq)]
struct PartProps {
    course: UseReducerHandle<Course>,
    onact: Callback<Act>,
    #[prop_or_default]
    fresh: bool,
}

fn goal_row(i: usize, text: String, check: Option<&GoalCheck>) -> Html {
    let (holds, measured) = match check {
        Some(g) if g.holds => ("true", format!("✓ measured {}", g.shown)),
        Some(g) => ("false", format!("✗ measured {}", g.shown)),
        None => ("unmeasured", "run to measure".to_string()),
    };
    html! {
        <li data-goal={i.to_string()} data-holds={holds} class={classes!("goal", holds)}>
            <span>{ text }</span><span class="goal-measured">{ measured }</span>
        </li>
    }
}

/// The current step.
#[function_component(StepView)]
fn step_view(props: &PartProps) -> Html {
    let editor = use_editor();
    let c = &props.course;
    let Some((l, p)) = c.current() else {
        return html! {};
    };
    let Some(step) = l.steps.get(p.player.step) else {
        return html! {};
    };
    let emit = |a: Act| {
        let cb = props.onact.clone();
        Callback::from(move |_: MouseEvent| cb.emit(a.clone()))
    };
    let show_me = {
        let (course, onact, dispatch, s) = (
            c.clone(),
            props.onact.clone(),
            editor.dispatch.clone(),
            editor.scenario.clone(),
        );
        Callback::from(move |_: MouseEvent| match course.show_me(&s) {
            Ok(next) => {
                onact.emit(Act::Notice(None));
                dispatch.emit(Action::Replace(Box::new(next)))
            }
            Err(e) => onact.emit(Act::Notice(Some(e))),
        })
    };
    let hints = p.player.hints(l);
    let left = step.hints.len() - hints.len();
    let checks = if props.fresh { &c.checks[..] } else { &[] };
    let last = p.player.step + 1 == l.steps.len();
    html! {
        <section class="lesson-step" aria-label="Step">
            <h3 id="lesson-step">{ format!("Step {} of {}", p.player.step + 1, l.steps.len()) }</h3>
            <p id="lesson-instruction">{ step.instruction.clone() }</p>
            if !hints.is_empty() {
                <ol id="lesson-hints" class="hints">{ for hints.iter().map(|h| html! { <li>{ h.clone() }</li> }) }</ol>
            }
            <button id="lesson-hint" class="btn small" disabled={left == 0} onclick={emit(Act::Hint)}>
                { if left == 0 { "No more hints".to_string() } else { format!("Show a hint ({left} left)") } }</button>
            <h4>{ "Goal" }</h4>
            <ul id="lesson-goal" class="goals">
                { for step.goal.iter().enumerate().map(|(i, g)| goal_row(i, lessons::goal_text(g), checks.get(i))) }
            </ul>
            if !props.fresh {
                <p class="muted small-note">{ "Run the scenario (▶ Run or Ctrl+Enter) to measure the goal." }</p>
            }
            if p.player.solved && props.fresh {
                <div id="lesson-explanation" class="lesson-success" role="status">
                    <strong>{ format!("Goal met: {} ({})", l.concept, lessons::seeds_text(l)) }</strong>
                    <p>{ step.explanation.clone() }</p>
                    <NextButton course={c.clone()} onact={props.onact.clone()} last={last} />
                </div>
            } else {
                <button id="lesson-show-me" class="btn small" onclick={show_me}
                    title="Make the step's change for you (Undo takes it back)">{ "Show me" }</button>
            }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct NextProps {
    course: UseReducerHandle<Course>,
    onact: Callback<Act>,
    last: bool,
}

#[function_component(NextButton)]
fn next_button(props: &NextProps) -> Html {
    let run = crate::ui::context::use_run();
    let onact = props.onact.clone();
    let onclick = Callback::from(move |_: MouseEvent| onact.emit(Act::Next(run.report.clone())));
    html! {
        <button id="lesson-next" class="btn primary" onclick={onclick}>
            { if props.last { "On to the quiz" } else { "Next step" } }</button>
    }
}

fn input_value(e: InputEvent) -> String {
    let input: web_sys::HtmlInputElement = e.target_unchecked_into();
    input.value()
}

fn question(c: &Course, l: &Lesson, q: usize, onact: &Callback<Act>) -> Html {
    let Some(question) = l.quiz.get(q) else {
        return html! {};
    };
    let parts = lessons::prompt_parts(&question.prompt);
    let verdict = c.verdicts.get(q).cloned().flatten();
    let answers = c.answers.get(q).cloned().unwrap_or_default();
    let check = onact.reform(move |_: MouseEvent| Act::Check(q));
    let blanks = parts.len().saturating_sub(1);
    html! {
        <li data-question={q.to_string()} class="question">
            <p class="prompt">
                { for parts.iter().enumerate().map(|(b, text)| {
                    let oninput = onact.reform(move |e: InputEvent| Act::Answer { question: q, blank: b, text: input_value(e) });
                    let value = answers.get(b).cloned().unwrap_or_default();
                    let ok = verdict.as_ref().and_then(|v| v.blanks.get(b).copied());
                    html! { <>{ text.clone() }
                        if b < blanks {
                            <input id={format!("quiz-{q}-{b}")} class={classes!("blank", ok.map(|o| if o { "right" } else { "wrong" }))} value={value}
                                aria-label={format!("Question {}, blank {}", q + 1, b + 1)} oninput={oninput} size="14" />
                        }
                    </> }
                }) }
            </p>
            <button id={format!("quiz-check-{q}")} class="btn small" onclick={check}>{ "Check" }</button>
            if let Some(v) = verdict {
                <div data-verdict={if v.correct() { "right" } else { "wrong" }} class={classes!("verdict", if v.correct() { "right" } else { "wrong" })}>
                    <strong>{ if v.correct() { "Right. ".to_string() } else { format!("Not quite: the answer is “{}”. ", v.expected.join("”, “")) } }</strong>
                    { question.explanation.clone() }
                </div>
            }
        </li>
    }
}

/// The quiz at the end of a lesson.
#[function_component(Quiz)]
fn quiz(props: &PartProps) -> Html {
    let c = &props.course;
    let Some((l, _)) = c.current() else {
        return html! {};
    };
    if l.quiz.is_empty() {
        return html! {};
    }
    let (right, total) = c.quiz_right().unwrap_or_default();
    html! {
        <section id="lesson-quiz" class="lesson-quiz" aria-label="Quiz">
            <h3>{ "Every step done: the quiz" }</h3>
            <p class="muted">{ "Fill in the blanks, then Check. Case, articles and plurals do not matter." }</p>
            <ol class="questions">{ for (0..l.quiz.len()).map(|q| question(c, l, q, &props.onact)) }</ol>
            <p id="quiz-score" class="score">{ format!("Score: {right} of {total} right") }</p>
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct BrokeProps {
    course: UseReducerHandle<Course>,
    onact: Callback<Act>,
    onrun: Callback<Scenario>,
}

fn select_value(e: Event) -> String {
    let s: web_sys::HtmlSelectElement = e.target_unchecked_into();
    s.value()
}

/// "What broke?": a run with a hidden fault, diagnosed from the results.
#[function_component(WhatBroke)]
fn what_broke(props: &BrokeProps) -> Html {
    let c = &props.course;
    let Some((l, p)) = c.current() else {
        return html! {};
    };
    let (Some(w), Some(s)) = (&l.what_broke, c.exercise_scenario()) else {
        return html! {};
    };
    let start = {
        let (onact, onrun, s) = (props.onact.clone(), props.onrun.clone(), s.clone());
        Callback::from(move |_: MouseEvent| {
            onact.emit(Act::BrokeOpen);
            onrun.emit(s.clone());
        })
    };
    let b = &c.broke;
    let submit = props.onact.reform(|_: MouseEvent| Act::BrokeSubmit);
    html! {
        <section id="what-broke" class="what-broke" aria-label="What broke?">
            <h3>{ "What broke?" }</h3>
            if b.open {
                <p>{ "The results now show a run of the solved design with a hidden fault. The incident table's trigger, component and recovery columns are hidden: read the charts, the cards and the other columns, then name the component and the kind of fault." }</p>
                <label for="broke-component">{ "Component" }</label>
                <select id="broke-component" onchange={props.onact.reform(|e: Event| Act::BrokeComponent(select_value(e)))}>
                    <option value="" selected={b.component.is_empty()}>{ "choose…" }</option>
                    { for s.components.iter().map(|x| html! {
                        <option value={x.id.clone()} selected={b.component == x.id}>{ format!("{} ({})", x.name, x.id) }</option>
                    }) }
                </select>
                <label for="broke-kind">{ "Fault" }</label>
                <select id="broke-kind" onchange={props.onact.reform(|e: Event| Act::BrokeKind(select_value(e)))}>
                    <option value="" selected={b.kind.is_empty()}>{ "choose…" }</option>
                    { for lessons::fault_kinds().into_iter().map(|(k, words)| html! {
                        <option value={k} selected={b.kind == k}>{ words }</option>
                    }) }
                </select>
                <div><button id="broke-submit" class="btn small primary" disabled={b.component.is_empty() || b.kind.is_empty()} onclick={submit}>{ "Answer" }</button></div>
            } else {
                <p class="muted">{ "Run the solved design with a fault you cannot see, and find it from the results." }</p>
                <button id="broke-start" class="btn small" onclick={start}>{ if p.what_broke.is_some() { "Try again" } else { "Start the exercise" } }</button>
            }
            if let Some(sc) = &b.score {
                <div id="broke-score" class={classes!("verdict", if sc.points == 2 { "right" } else { "wrong" })}>
                    <strong>{ format!("{} of 2 points: it was {} on `{}`. ", sc.points, sc.expected_kind.replace('_', " "), sc.expected_component) }</strong>
                    { w.explanation.clone() }
                </div>
            } else if let Some(points) = p.what_broke {
                <p id="broke-score" class="muted">{ format!("Last try: {points} of 2 points.") }</p>
            }
        </section>
    }
}
