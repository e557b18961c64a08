//! The Study panel's pool of simulation workers: up to `navigator.hardwareConcurrency` (at most
//! 8) workers, each handed small batches of replication indices by a
//! [`Dispatch`](crate::study::pool::Dispatch), which pushes the results into the study in
//! index order — so the report and digest are the CLI's. Workers are kept for the next study;
//! Cancel terminates them (one may be in the middle of a replication it cannot leave).
//!
//! A Warm-up of `auto` first has the pool's workers run the pilot runs (pilot k on member
//! k mod n), and the page chooses the warm-up from all of them in index order (MSER-5, as the
//! CLI's `study --warmup auto`); the replications then run with the scenario's `warmup` set to
//! it, so replication k is the CLI's.
//!
//! A comparison (the form's "Compare with") runs design A's study, then design B's through the
//! same pool with the same replications, B made to run like A by the core's
//! [`design_b`](crate::study::compare::design_b) (A's seed and chosen warm-up), as the CLI's
//! `study --compare`.

use crate::scenario::Scenario;
use crate::study::compare::Comparison;
use crate::study::pool::{batch_size, Dispatch, MAX_BATCH};
use crate::study::warmup::{self, Pilot, Warmup};
use crate::study::{Stop, StoppedBy, Study};
use crate::ui::study::{
    estimates, pool_size, Finished, Live, StudyAction, StudyForm, StudyState, WarmupChoice,
};
use crate::web::worker::Update;
use crate::web::{self, SimRunner};
use std::cell::RefCell;
use std::rc::Rc;
use study_check::{check, Checked, Then};
use yew::prelude::*;

#[path = "study_check.rs"]
mod study_check;

/// Live estimates are recomputed at most this often.
const SHOW_EVERY_MS: f64 = 200.0;
/// How long the pool's workers may take to load before the study is given up.
const LOAD_MS: u32 = 15_000;

#[derive(Clone, PartialEq)]
pub struct StudyHandle {
    pub state: UseReducerHandle<StudyState>,
    /// Starts a study of the scenario as the form says.
    pub start: Callback<(Scenario, StudyForm)>,
    pub cancel: Callback<()>,
    pub dismiss: Callback<()>,
}

/// One worker of the pool: its runner, how many of its batch are still to come, when it last
/// answered (or was given work) and its replications' typical wall time.
struct Member {
    runner: SimRunner,
    left: usize,
    since_ms: f64,
    ms_per_rep: Option<f64>,
}

/// The study in flight.
struct Current {
    id: u32,
    dispatch: Dispatch,
    scenario: Rc<Scenario>,
    json: String,
    started_ms: f64,
    shown_ms: f64,
    /// The first `used` members of the pool work for it.
    used: usize,
    /// The members are running the pilot runs of an `auto` warm-up: no replication is handed
    /// out yet.
    choosing: bool,
    /// The pilot runs back so far, by index.
    pilots: Vec<Option<Pilot>>,
    /// The form's "Compare with".
    compare: String,
    /// A comparison's design B, to run once this study (A) has finished.
    then: Option<Then>,
    /// While design B runs: design A's finished study, its scenario and wall time.
    first: Option<(Study, Rc<Scenario>, f64)>,
}

#[derive(Default)]
struct Pool {
    members: Vec<Member>,
    current: Option<Current>,
    ids: u32,
}

type Shared = Rc<RefCell<Pool>>;
type Dispatcher = UseReducerDispatcher<StudyState>;

#[hook]
pub fn use_study() -> StudyHandle {
    let state = use_reducer_eq(StudyState::default);
    let shared: Shared = use_mut_ref(Pool::default);
    let start = {
        let (shared, d) = (shared.clone(), state.dispatcher());
        Callback::from(move |(scenario, form): (Scenario, StudyForm)| {
            let actions = start(&shared, &d, &scenario, &form);
            let started = actions.iter().find_map(|a| match a {
                StudyAction::Started(l) => Some(l.id),
                _ => None,
            });
            for a in actions {
                d.dispatch(a);
            }
            if let Some(id) = started {
                // Workers that never load (worker.js missing, refused) would leave it at 0.
                let (weak, d) = (Rc::downgrade(&shared), d.clone());
                gloo::timers::callback::Timeout::new(LOAD_MS, move || {
                    let action = weak
                        .upgrade()
                        .and_then(|p| unloaded(&mut p.borrow_mut(), id));
                    if let Some(a) = action {
                        d.dispatch(a);
                    }
                })
                .forget();
            }
        })
    };
    let cancel = {
        let (shared, d) = (shared.clone(), state.dispatcher());
        Callback::from(move |_: ()| {
            let actions = cancel(&mut shared.borrow_mut());
            for a in actions {
                d.dispatch(a);
            }
        })
    };
    {
        // The app unmounts (another library entry opens): its workers go with it.
        let shared = shared.clone();
        use_effect_with((), move |_| {
            move || {
                let mut p = shared.borrow_mut();
                p.current = None;
                p.members.clear();
            }
        });
    }
    let dismiss = {
        let d = state.dispatcher();
        Callback::from(move |_| d.dispatch(StudyAction::DismissMessage))
    };
    StudyHandle {
        state,
        start,
        cancel,
        dismiss,
    }
}

fn hardware_concurrency() -> f64 {
    web_sys::window().map_or(1.0, |w| w.navigator().hardware_concurrency())
}

/// Checks the form and the scenario, grows the pool and hands every member its first index
/// (or, for an `auto` warm-up, its share of the pilot runs).
fn start(shared: &Shared, d: &Dispatcher, s: &Scenario, form: &StudyForm) -> Vec<StudyAction> {
    let refuse = |m: String| vec![StudyAction::Refused(m)];
    let Checked {
        stop,
        choice,
        scenario: s,
        json,
        then,
    } = match check(s, form) {
        Ok(c) => c,
        Err(e) => return refuse(e),
    };
    let n = pool_size(hardware_concurrency(), stop.max());
    let dispatch = match Dispatch::new(stop.clone(), n as u64 * MAX_BATCH * 2) {
        Ok(x) => x.with_warmup(warmup::given(s.warmup.as_ref())),
        Err(e) => return refuse(format!("Cannot start the study: {e}.")),
    };
    let pilots = (choice == WarmupChoice::Auto).then(|| warmup::pilots(stop.max()));
    let Ok(mut pool) = shared.try_borrow_mut() else {
        return vec![];
    };
    if pool.current.is_some() {
        return refuse("A study is already running: cancel it first.".into());
    }
    while pool.members.len() < n {
        let i = pool.members.len();
        match spawn(shared, i, d.clone()) {
            Ok(runner) => pool.members.push(Member {
                runner,
                left: 0,
                since_ms: 0.0,
                ms_per_rep: None,
            }),
            Err(e) if i == 0 => return refuse(e),
            // Fewer workers than hoped: the study runs on those there are.
            Err(_) => break,
        }
    }
    let now = web::now_ms();
    pool.ids = pool.ids.wrapping_add(1);
    let used = pool.members.len().min(n);
    for m in &mut pool.members {
        m.left = 0;
    }
    let id = pool.ids;
    pool.current = Some(Current {
        id,
        dispatch,
        scenario: Rc::new(s),
        json,
        started_ms: now,
        shown_ms: now,
        used,
        choosing: pilots.is_some(),
        pilots: vec![None; pilots.unwrap_or(0) as usize],
        compare: form.compare.clone(),
        then,
        first: None,
    });
    let live = Live {
        id,
        done: 0,
        planned: stop.max(),
        until_ci: !matches!(stop, crate::study::Stop::Replications(_)),
        workers: used,
        started_ms: now,
        per_s: 0.0,
        estimates: Vec::new(),
        choosing: pilots.map(|n| (n, 0)),
        design: pool
            .current
            .as_ref()
            .and_then(|c| c.then.as_ref())
            .map(|_| 'A'),
    };
    let mut out = vec![StudyAction::Started(live)];
    match pilots {
        Some(n) => out.extend(choose(&mut pool, n, now)),
        None => out.extend(feed(&mut pool, now)),
    }
    out
}

/// Hands the pilot runs of the study in flight to its members: pilot k to member k mod n.
fn choose(pool: &mut Pool, pilots: u64, now: f64) -> Vec<StudyAction> {
    let Pool {
        members, current, ..
    } = pool;
    let Some(cur) = current.as_ref() else {
        return vec![];
    };
    let n = cur.used.clamp(1, members.len().max(1)) as u64;
    for (i, m) in members.iter_mut().enumerate().take(n as usize) {
        let ks: Vec<u64> = (0..pilots).filter(|k| k % n == i as u64).collect();
        if ks.is_empty() {
            continue;
        }
        m.left = ks.len();
        m.since_ms = now;
        if let Err(message) = m.runner.run_pilots(cur.id, &cur.json, ks) {
            let id = cur.id;
            *current = None;
            members.clear();
            return vec![StudyAction::Failed { id, message }];
        }
    }
    vec![]
}

/// Pilot run `k` came back from member `i`: once all have, the warm-up MSER-5 chooses from
/// them (in index order, as the CLI) is the study's.
fn piloted(pool: &mut Pool, i: usize, k: u64, pilot: Pilot, now: f64) -> Vec<StudyAction> {
    if let Some(m) = pool.members.get_mut(i) {
        m.left = m.left.saturating_sub(1);
        m.since_ms = now;
    }
    let Some(cur) = pool.current.as_mut().filter(|c| c.choosing) else {
        return vec![];
    };
    match cur.pilots.get_mut(k as usize) {
        Some(slot) => *slot = Some(pilot),
        None => return fail(pool, format!("An unexpected pilot run {k} came back.")),
    }
    let done = cur.pilots.iter().flatten().count() as u64;
    let id = cur.id;
    if done < cur.pilots.len() as u64 {
        return vec![StudyAction::Piloted { id, done }];
    }
    let all: Vec<Pilot> = cur.pilots.drain(..).flatten().collect();
    match warmup::choose(&all) {
        Ok(w) => chosen(pool, w, now),
        Err(m) => fail(pool, format!("The warm-up could not be chosen (auto): {m}")),
    }
}

/// The warm-up is chosen: the study's scenario takes it, and the replications start.
fn chosen(pool: &mut Pool, w: Warmup, now: f64) -> Vec<StudyAction> {
    let Some(cur) = pool.current.as_mut().filter(|c| c.choosing) else {
        return vec![];
    };
    let mut s = (*cur.scenario).clone();
    s.warmup = w.scenario_warmup();
    let json = match serde_json::to_string(&s) {
        Ok(j) => j,
        Err(e) => return fail(pool, e.to_string()),
    };
    cur.json = json;
    cur.scenario = Rc::new(s);
    cur.dispatch = cur.dispatch.clone().with_warmup(w);
    cur.choosing = false;
    let id = cur.id;
    let mut out = vec![StudyAction::WarmupChosen { id, now_ms: now }];
    out.extend(feed(pool, now));
    out
}

/// A pool member whose messages go to [`received`].
fn spawn(shared: &Shared, i: usize, d: Dispatcher) -> Result<SimRunner, String> {
    let weak = Rc::downgrade(shared);
    SimRunner::spawn(move |u| {
        let Some(pool) = weak.upgrade() else { return };
        let actions = match pool.try_borrow_mut() {
            Ok(mut p) => received(&mut p, i, u, web::now_ms()),
            Err(_) => return,
        };
        for a in actions {
            d.dispatch(a);
        }
    })
}

/// Gives every idle member of the study in flight its next batch.
fn feed(pool: &mut Pool, now: f64) -> Vec<StudyAction> {
    let Pool {
        members, current, ..
    } = pool;
    let Some(cur) = current.as_mut().filter(|c| !c.choosing) else {
        return vec![];
    };
    for (i, m) in members.iter_mut().enumerate().take(cur.used) {
        if m.left > 0 {
            continue;
        }
        let ks = cur.dispatch.take(i, batch_size(m.ms_per_rep));
        if ks.is_empty() {
            continue;
        }
        m.left = ks.len();
        m.since_ms = now;
        if let Err(e) = m.runner.replicate(cur.id, &cur.json, ks) {
            let id = cur.id;
            *current = None;
            members.clear();
            return vec![StudyAction::Failed { id, message: e }];
        }
    }
    vec![]
}

/// A pool member's message: a replication goes into the study (which may then stop), idle
/// members get work, and the live estimates are refreshed now and then.
fn received(pool: &mut Pool, i: usize, u: Update, now: f64) -> Vec<StudyAction> {
    let current_id = pool.current.as_ref().map(|c| c.id);
    match u {
        Update::Replicated {
            study_id,
            replication,
        } if Some(study_id) == current_id => {
            if let Some(m) = pool.members.get_mut(i) {
                let ms = now - m.since_ms;
                m.ms_per_rep = Some(m.ms_per_rep.map_or(ms, |old| 0.5 * old + 0.5 * ms));
                m.since_ms = now;
                m.left = m.left.saturating_sub(1);
            }
            let Some(cur) = pool.current.as_mut() else {
                return vec![];
            };
            if let Err(message) = cur.dispatch.receive(replication) {
                return fail(pool, message);
            }
            if cur.dispatch.stopped() {
                return finish(pool, now);
            }
            let mut out = Vec::new();
            if now - cur.shown_ms >= SHOW_EVERY_MS || cur.dispatch.study().replications().len() == 1
            {
                cur.shown_ms = now;
                out.push(StudyAction::Progress {
                    id: cur.id,
                    done: cur.dispatch.study().replications().len() as u64,
                    estimates: estimates(cur.dispatch.study()),
                    now_ms: now,
                });
            }
            out.extend(feed(pool, now));
            out
        }
        Update::Piloted { study_id, k, pilot } if Some(study_id) == current_id => {
            piloted(pool, i, k, pilot, now)
        }
        Update::Failed { run_id, message } if Some(run_id) == current_id => fail(pool, message),
        // a worker that threw can do nothing more: the pool is dropped with the study
        Update::Crashed { message } if current_id.is_some() => {
            let out = fail(pool, message);
            pool.members.clear();
            out
        }
        // between studies: the next one spawns a fresh pool
        Update::Crashed { .. } => {
            pool.members.clear();
            vec![]
        }
        _ => vec![],
    }
}

/// Tells the members still busy with the study in flight to drop the rest of their batch.
fn release(pool: &mut Pool) {
    if let Some(cur) = &pool.current {
        for m in pool.members.iter_mut().filter(|m| m.left > 0) {
            m.runner.cancel(cur.id);
            m.left = 0;
        }
    }
}

fn finish(pool: &mut Pool, now: f64) -> Vec<StudyAction> {
    release(pool);
    if pool.current.as_ref().is_some_and(|c| c.then.is_some()) {
        return second(pool, now);
    }
    let Some(cur) = pool.current.take() else {
        return vec![];
    };
    let secs = (now - cur.started_ms) / 1000.0;
    let mut finished = match &cur.first {
        None => Finished::of(cur.dispatch.study(), cur.scenario.clone(), secs),
        Some((a, sa, secs_a)) => {
            let mut f = Finished::of(a, sa.clone(), *secs_a);
            match Comparison::of(a, sa, cur.dispatch.study(), &cur.scenario) {
                Ok(c) => f.comparison = Some(Rc::new(c)),
                Err(message) => {
                    return vec![StudyAction::Failed {
                        id: cur.id,
                        message: format!("The comparison stopped: {message}"),
                    }]
                }
            }
            f
        }
    };
    finished.compare = cur.compare.clone();
    vec![StudyAction::Finished {
        id: cur.id,
        finished: Rc::new(finished),
    }]
}

/// Design A of a comparison has finished: design B, made to run like A (A's seed and chosen
/// warm-up, the form's fidelity), runs the same replications through the same pool, as a study
/// of its own id (late messages of A's are then ignored).
fn second(pool: &mut Pool, now: f64) -> Vec<StudyAction> {
    let next = pool.ids.wrapping_add(1);
    let Some(cur) = pool.current.as_mut() else {
        return vec![];
    };
    let Some(then) = cur.then.take() else {
        return vec![];
    };
    let sb = crate::ui::study_compare::design_b(&cur.scenario, then.b, then.fidelity);
    let a = cur.dispatch.study().clone();
    let n = a.replications().len() as u64;
    let window = cur.used as u64 * MAX_BATCH * 2;
    let (json, dispatch) = match (
        serde_json::to_string(&sb),
        Dispatch::new(Stop::Replications(n), window),
    ) {
        (Ok(json), Ok(d)) => (json, d.with_warmup(a.warmup())),
        (Err(e), _) => return fail(pool, e.to_string()),
        (_, Err(e)) => return fail(pool, e),
    };
    let id = cur.id;
    let secs = (now - cur.started_ms) / 1000.0;
    cur.first = Some((a, cur.scenario.clone(), secs));
    cur.id = next;
    cur.json = json;
    cur.dispatch = dispatch;
    cur.scenario = Rc::new(sb);
    cur.started_ms = now;
    cur.shown_ms = now;
    pool.ids = next;
    for m in &mut pool.members {
        m.left = 0;
    }
    let mut out = vec![StudyAction::SecondDesign {
        id,
        next,
        now_ms: now,
    }];
    out.extend(feed(pool, now));
    out
}

fn fail(pool: &mut Pool, message: String) -> Vec<StudyAction> {
    release(pool);
    match pool.current.take() {
        Some(cur) => vec![StudyAction::Failed {
            id: cur.id,
            message: format!("The study stopped: {message}"),
        }],
        None => vec![],
    }
}

/// `LOAD_MS` after study `id` started: if one of its workers has still not loaded, the study
/// is given up and the workers terminated (the next study spawns fresh ones).
fn unloaded(pool: &mut Pool, id: u32) -> Option<StudyAction> {
    let cur = pool.current.as_ref().filter(|c| c.id == id)?;
    if pool
        .members
        .iter()
        .take(cur.used)
        .all(|m| m.runner.is_ready())
    {
        return None;
    }
    pool.current = None;
    pool.members.clear();
    Some(StudyAction::Failed {
        id,
        message: "The study's workers did not start (worker.js may have failed to load), so they were stopped; press Run study to try again, or reload the page.".into(),
    })
}

/// Cancel: the study keeps what ran (a report of those, if any) and every worker is terminated.
/// While design B of a comparison runs, that is design A's whole study, without the comparison.
fn cancel(pool: &mut Pool) -> Vec<StudyAction> {
    let Some(mut cur) = pool.current.take() else {
        return vec![];
    };
    pool.members.clear();
    cur.dispatch.halt(StoppedBy::Cancelled);
    let id = cur.id;
    if let Some((a, sa, secs)) = cur.first.take() {
        let mut f = Finished::of(&a, sa, secs);
        f.compare = cur.compare.clone();
        let message = format!(
            "The comparison was cancelled while design B ran ({} of {} replications): design A's results are below, without the B − A table.",
            cur.dispatch.study().replications().len(),
            a.replications().len()
        );
        return vec![
            StudyAction::Finished {
                id,
                finished: Rc::new(f),
            },
            // only sets the message (the study is no longer running)
            StudyAction::Refused(message),
        ];
    }
    if cur.choosing {
        return vec![StudyAction::Failed {
            id,
            message: "The study was cancelled while its warm-up was being chosen.".into(),
        }];
    }
    if cur.dispatch.study().replications().is_empty() {
        return vec![StudyAction::Failed {
            id,
            message: "The study was cancelled before any replication finished.".into(),
        }];
    }
    let secs = (web::now_ms() - cur.started_ms) / 1000.0;
    let mut finished = Finished::of(cur.dispatch.study(), cur.scenario.clone(), secs);
    finished.compare = cur.compare;
    vec![StudyAction::Finished {
        id,
        finished: Rc::new(finished),
    }]
}
