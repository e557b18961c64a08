//! The lesson player in the page (issue 17): `LessonsButton` in the header, `LessonHost` around
//! the workbench (it keeps the course state, saves the progress, judges the current step on each
//! fresh run, and lays the side panel beside the workbench), and the course overview. The panel
//! itself is `lesson_panel`. The state is `ui::lessons::Course` (pure, tested natively).
//!
//! Selectors: `#lessons-button`; the overview `#lessons-overview` with `#lessons-close`,
//! `#lessons-message` (Escape closes it) and rows `[data-lesson=NAME]` (`[data-status]`, a `[data-action=start]`
//! button); the panel: see `lesson_panel`.

use crate::scenario::Scenario;
use crate::ui::components::lesson_panel::LessonPanel;
use crate::ui::context::{use_editor, use_run, RunContext};
use crate::ui::lesson_session;
use crate::ui::lessons::{self, Act, Course};
use std::rc::Rc;
use yew::prelude::*;

impl Reducible for Course {
    type Action = Act;
    fn reduce(self: Rc<Self>, a: Act) -> Rc<Self> {
        Rc::new((*self).clone().apply(a))
    }
}

#[derive(Properties, PartialEq)]
pub struct LessonsButtonProps {
    pub open: bool,
    pub ontoggle: Callback<()>,
}

/// The header's Lessons button.
#[function_component(LessonsButton)]
pub fn lessons_button(props: &LessonsButtonProps) -> Html {
    let t = props.ontoggle.clone();
    html! {
        <button id="lessons-button" data-testid="lessons" class={classes!("btn", props.open.then_some("active"))}
            aria-expanded={props.open.to_string()} aria-controls="lessons-overview"
            onclick={Callback::from(move |_: MouseEvent| t.emit(()))}
            title="Guided lessons: the course drawn from the seeds">{ "Lessons" }</button>
    }
}

#[derive(Properties, PartialEq)]
pub struct LessonHostProps {
    /// The overview is open.
    pub overview: bool,
    /// Opens (`Some(true)`) or closes the overview.
    pub onoverview: Callback<Option<bool>>,
    /// Runs a scenario other than the editor's (the "what broke?" run with its hidden fault).
    pub onrun: Callback<Scenario>,
    /// The workbench.
    #[prop_or_default]
    pub children: Html,
}

/// The workbench with the lesson's side panel, and the overview when open.
#[function_component(LessonHost)]
pub fn lesson_host(props: &LessonHostProps) -> Html {
    let course = use_reducer(lesson_session::load);
    let editor = use_editor();
    let run = use_run();
    let fresh = run.report_scenario.as_deref() == Some(&*editor.scenario);
    {
        // Each fresh run of the scenario on screen judges the current step.
        let d = course.dispatcher();
        let report = run.report.clone();
        let digest = report.as_ref().map(|r| r.digest.clone());
        use_effect_with((digest, fresh, course.active), move |(_, fresh, _)| {
            if let (true, Some(r)) = (*fresh, report) {
                d.dispatch(Act::Judge(r));
            }
        });
    }
    {
        let d = course.dispatcher();
        use_effect_with(course.progress.clone(), move |p| {
            // Nothing is written before a lesson is started.
            if p.lessons.is_empty() {
                return;
            }
            if let Err(e) = lesson_session::save(p) {
                d.dispatch(Act::Notice(Some(e)));
            }
        });
    }
    let act = {
        let d = course.dispatcher();
        Callback::from(move |a: Act| {
            if matches!(a, Act::Leave) {
                lesson_session::set_active(None);
            }
            d.dispatch(a)
        })
    };
    // While "what broke?" is open the workbench sees the run with its fault's names hidden.
    let open = course.broke.open;
    let masked = {
        let report = run.report.clone();
        let digest = report.as_ref().map(|r| r.digest.clone());
        use_memo((digest, open), move |(_, open)| {
            report
                .filter(|_| *open)
                .map(|r| Rc::new(lessons::masked(&r)))
        })
    };
    // The exercise's run is of the solved design plus the hidden fault, not of the editor's
    // scenario: it is not called stale (the panel says what it is).
    let inner = match (*masked).clone() {
        Some(r) => RunContext {
            report: Some(r),
            report_scenario: Some(editor.scenario.clone()),
            ..run.clone()
        },
        None => run.clone(),
    };
    let panel = course.active.is_some().then(|| {
        html! {
            <LessonPanel course={course.clone()} onact={act.clone()} fresh={fresh}
                onrun={props.onrun.clone()} onoverview={props.onoverview.reform(|_| Some(true))} />
        }
    });
    html! {
        <>
            <div class={classes!("workspace", course.broke.open.then_some("exercise-open"))}>
                <ContextProvider<RunContext> context={inner}>{ props.children.clone() }</ContextProvider<RunContext>>
                { for panel }
            </div>
            if props.overview {
                <Overview course={course.clone()} onclose={props.onoverview.reform(|_| Some(false))} />
            }
        </>
    }
}

#[derive(Properties, PartialEq)]
struct OverviewProps {
    course: UseReducerHandle<Course>,
    onclose: Callback<()>,
}

/// The course overview: every lesson with its seeds and the learner's progress.
#[function_component(Overview)]
fn overview(props: &OverviewProps) -> Html {
    let library = use_context::<crate::ui::components::library::LibraryCtx>();
    let error = use_state_eq(|| None::<String>);
    let rows = lessons::overview(&props.course.progress);
    let active = props.course.active;
    let onstart = {
        let (error, onclose) = (error.clone(), props.onclose.clone());
        Callback::from(move |name: &'static str| {
            if active == Some(name) {
                onclose.emit(());
                return;
            }
            let Some(ctx) = library.clone() else {
                error.set(Some("The library is not available in this page.".into()));
                return;
            };
            if lesson_session::reopen(name) {
                ctx.switch.emit(());
                onclose.emit(());
                return;
            }
            match lesson_session::open_with(name, |s, info| ctx.open_new.emit((s, Some(info)))) {
                Ok(()) => onclose.emit(()),
                Err(e) => error.set(Some(e)),
            }
        })
    };
    let close = props.onclose.reform(|_: MouseEvent| ());
    // Focus starts in the overview, and Escape closes it.
    let close_ref = use_node_ref();
    {
        let r = close_ref.clone();
        use_effect_with((), move |_| {
            if let Some(b) = r.cast::<web_sys::HtmlElement>() {
                let _ = b.focus();
            }
        });
    }
    let onkeydown = {
        let onclose = props.onclose.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Escape" {
                e.stop_propagation();
                onclose.emit(());
            }
        })
    };
    let messages: Vec<String> = props
        .course
        .messages
        .iter()
        .cloned()
        .chain((*error).clone())
        .collect();
    html! {
        <section id="lessons-overview" class="lessons-overview" role="dialog" aria-label="Lessons" onkeydown={onkeydown}>
            <div class="help-head">
                <h2>{ "Lessons" }</h2>
                <button id="lessons-close" ref={close_ref} class="btn small" onclick={close} aria-label="Close the lessons">{ "✕" }</button>
            </div>
            <p class="muted">{ format!("{} guided lessons drawn from the seeds. Each opens as a new scenario in your Library; your own work is never overwritten.", rows.len()) }</p>
            if !messages.is_empty() {
                <div id="lessons-message" class="banner warning" role="alert">{ messages.join(" ") }</div>
            }
            <ol class="lesson-list">
                { for rows.into_iter().map(|r| {
                    let name = r.name;
                    let label = if active == Some(name) { "Back to it" } else if r.started { "Continue" } else { "Start" };
                    let onclick = onstart.reform(move |_: MouseEvent| name);
                    html! {
                        <li data-lesson={name} data-status={r.status.clone()} class={classes!((active == Some(name)).then_some("active"))}>
                            <div class="lesson-row-head">
                                <strong>{ r.title.clone() }</strong>
                                <span class="muted">{ format!(" · {} · {}", r.concept, r.seeds) }</span>
                            </div>
                            <p class="lesson-summary">{ r.summary.clone() }</p>
                            <div class="lesson-row-foot">
                                <span class={classes!("lesson-status", (r.status == "done").then_some("done"))}>{ r.status.clone() }</span>
                                if let Some(q) = &r.quiz { <span class="muted">{ format!("quiz: {q}") }</span> }
                                if let Some(b) = &r.what_broke { <span class="muted">{ format!("what broke: {b}") }</span> }
                                <button class="btn small primary" data-action="start" onclick={onclick}>{ label }</button>
                            </div>
                        </li>
                    }
                }) }
            </ol>
        </section>
    }
}
