//! The contexts the app provides (Yew's contexts example) so that the canvas, the timeline, the
//! inspector and the problem list read the editor and the run without props drilled through
//! every component: [`EditorContext`] (scenario, selection, problems, dispatch) and
//! [`RunContext`] (the last report, whether a run is going, watch mode's states).

use crate::exact::view::ExactView;
use crate::scenario::{Problem, Scenario};
use crate::sim::Report;
use crate::ui::state::{Action, Sel};
use crate::ui::watch::Status;
use std::collections::BTreeMap;
use std::rc::Rc;
use yew::prelude::*;

/// The editor as its views see it: what is edited, what is selected, what is wrong with it, and
/// the one way to change it.
#[derive(Clone, PartialEq)]
pub struct EditorContext {
    pub scenario: Rc<Scenario>,
    pub selection: Rc<Vec<Sel>>,
    pub problems: Rc<Vec<Problem>>,
    /// Issue 16: the exact values and ranking of the scenario as edited.
    pub exact: Rc<ExactView>,
    pub dispatch: Callback<Action>,
}

impl Default for EditorContext {
    fn default() -> EditorContext {
        EditorContext {
            scenario: Rc::new(crate::ui::default_scenario()),
            selection: Rc::default(),
            problems: Rc::default(),
            exact: Rc::new(ExactView::NoFailures),
            dispatch: Callback::noop(),
        }
    }
}

impl EditorContext {
    /// A callback that dispatches `action` whatever it is called with.
    pub fn act<T>(&self, action: Action) -> Callback<T> {
        let d = self.dispatch.clone();
        Callback::from(move |_: T| d.emit(action.clone()))
    }
}

/// The run as its views see it.
#[derive(Clone, Default, PartialEq)]
pub struct RunContext {
    /// The last finished run's report.
    pub report: Option<Rc<Report>>,
    /// The scenario that report is of (figures of a changed scenario are marked stale).
    pub report_scenario: Option<Rc<Scenario>>,
    pub running: bool,
    /// Watch mode: each component's state at the moment shown.
    pub watch: Option<Rc<BTreeMap<String, Status>>>,
    /// Watch mode: the moment shown (µs).
    pub cursor_us: Option<u64>,
}

/// The editor context (an empty editor outside the app, e.g. in a component test).
#[hook]
pub fn use_editor() -> EditorContext {
    use_context::<EditorContext>().unwrap_or_default()
}

/// The run context (no run outside the app).
#[hook]
pub fn use_run() -> RunContext {
    use_context::<RunContext>().unwrap_or_default()
}
