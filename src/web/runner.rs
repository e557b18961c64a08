//! The page's side of the simulation worker: spawns it, queues requests until it says it is
//! ready, delivers its updates, and terminates it — a worker stuck in a chunk that never ends
//! cannot read Cancel, so the page ends it and starts a fresh one for the next run.

use super::worker::{Request, Update};
use crate::scenario::Scenario;

/// The loader Trunk emits for the `worker` binary (`data-loader-shim` in index.html): it
/// imports `worker.js` and starts its wasm, both relative to itself.
pub const WORKER_SCRIPT: &str = "worker_loader.js";

/// Requests waiting for the worker to load (`None` once it is ready).
type Pending = std::rc::Rc<std::cell::RefCell<Option<Vec<String>>>>;

/// A running worker. Dropping it terminates the worker.
pub struct SimRunner {
    #[cfg(target_arch = "wasm32")]
    worker: web_sys::Worker,
    #[cfg(target_arch = "wasm32")]
    _onmessage: wasm_bindgen::closure::Closure<dyn Fn(web_sys::MessageEvent)>,
    #[cfg(target_arch = "wasm32")]
    _onerror: wasm_bindgen::closure::Closure<dyn Fn(web_sys::ErrorEvent)>,
    pending: Pending,
}

impl SimRunner {
    /// Spawns the worker; `on_update` receives its messages (not [`Update::Ready`]), and
    /// [`Update::Crashed`] when the worker throws.
    #[cfg(target_arch = "wasm32")]
    pub fn spawn(on_update: impl Fn(Update) + 'static) -> Result<SimRunner, String> {
        use wasm_bindgen::{closure::Closure, JsCast, JsValue};
        let worker = web_sys::Worker::new(WORKER_SCRIPT)
            .map_err(|e| format!("The simulation worker could not start ({e:?})."))?;
        let pending: Pending = std::rc::Rc::new(std::cell::RefCell::new(Some(Vec::new())));
        let on_update = std::rc::Rc::new(on_update);
        let onerror = {
            let on_update = on_update.clone();
            Closure::<dyn Fn(web_sys::ErrorEvent)>::new(move |e: web_sys::ErrorEvent| {
                e.prevent_default();
                on_update(Update::Crashed {
                    message: crashed_message(&e.message()),
                });
            })
        };
        worker.set_onerror(Some(onerror.as_ref().unchecked_ref()));
        let onmessage = {
            let (worker, pending) = (worker.clone(), pending.clone());
            Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |e: web_sys::MessageEvent| {
                let Some(update) = e
                    .data()
                    .as_string()
                    .and_then(|t| serde_json::from_str::<Update>(&t).ok())
                else {
                    return;
                };
                if update == Update::Ready {
                    for text in pending.borrow_mut().take().unwrap_or_default() {
                        let _ = worker.post_message(&JsValue::from_str(&text));
                    }
                } else {
                    on_update(update);
                }
            })
        };
        worker.set_onmessage(Some(onmessage.as_ref().unchecked_ref()));
        Ok(SimRunner {
            worker,
            _onmessage: onmessage,
            _onerror: onerror,
            pending,
        })
    }

    /// Natively there is no worker to spawn (the hook that calls this is only type-checked).
    #[cfg(not(target_arch = "wasm32"))]
    pub fn spawn(_on_update: impl Fn(Update) + 'static) -> Result<SimRunner, String> {
        Err("The simulation worker needs a browser.".into())
    }

    /// Starts a run (with the state trace: watch mode replays it).
    pub fn run(&self, run_id: u32, scenario: &Scenario) -> Result<(), String> {
        let scenario_json = serde_json::to_string(scenario).map_err(|e| e.to_string())?;
        self.send(&Request::Run {
            run_id,
            scenario_json,
            trace: true,
        })
    }

    /// Whether the worker has loaded and said it is ready.
    pub fn is_ready(&self) -> bool {
        self.pending.borrow().is_none()
    }

    /// Hands a batch of a study's replications to this (pool) worker; `scenario_json` is the
    /// study's scenario, serialised once for the whole pool.
    pub fn replicate(
        &self,
        study_id: u32,
        scenario_json: &str,
        ks: Vec<u64>,
    ) -> Result<(), String> {
        self.send(&Request::Replicate {
            study_id,
            scenario_json: scenario_json.to_string(),
            ks,
        })
    }

    /// Has this (pool) worker run pilot runs `ks` of a study whose warm-up is `auto`;
    /// `scenario_json` is the study's scenario without a `warmup`.
    pub fn run_pilots(
        &self,
        study_id: u32,
        scenario_json: &str,
        ks: Vec<u64>,
    ) -> Result<(), String> {
        self.send(&Request::Warmup {
            study_id,
            scenario_json: scenario_json.to_string(),
            ks,
        })
    }

    pub fn cancel(&self, run_id: u32) {
        let _ = self.send(&Request::Cancel { run_id });
    }

    fn send(&self, request: &Request) -> Result<(), String> {
        let text = serde_json::to_string(request).map_err(|e| e.to_string())?;
        if let Some(queue) = self.pending.borrow_mut().as_mut() {
            queue.push(text);
            return Ok(());
        }
        #[cfg(target_arch = "wasm32")]
        self.worker
            .post_message(&wasm_bindgen::JsValue::from_str(&text))
            .map_err(|e| format!("The simulation worker could not be reached ({e:?})."))?;
        Ok(())
    }
}

/// What the page says when a worker threw `error` (a panic in the simulation: a bug).
pub fn crashed_message(error: &str) -> String {
    let error = error.trim();
    let error = if error.is_empty() {
        "no message"
    } else {
        error
    };
    format!(
        "The simulation worker failed ({error}) — a bug in Failover Lab, please report it with the share link. It was stopped; the next run or study starts a fresh one."
    )
}

impl Drop for SimRunner {
    fn drop(&mut self) {
        // messages and errors already queued must not reach the closures dropped with it
        #[cfg(target_arch = "wasm32")]
        {
            self.worker.set_onmessage(None);
            self.worker.set_onerror(None);
            self.worker.terminate();
        }
    }
}
