//! Watch mode: the player (on/off, playing, the moment shown), its clock while it plays, and
//! every component's state at that moment (from the run's trace).

use crate::scenario::Scenario;
use crate::sim::Report;
use crate::ui::watch::{self, Player, PlayerAction, Status};
use std::collections::BTreeMap;
use std::rc::Rc;
use yew::prelude::*;

/// Watch mode's player and what it shows.
pub struct Watch {
    pub player: UseReducerHandle<Player>,
    /// Each component's state at the moment shown, while watch mode is on and the run has a
    /// trace.
    pub states: Option<Rc<BTreeMap<String, Status>>>,
    /// The global events active then (a traffic spike, a DNS failure), in words.
    pub global: Vec<String>,
}

#[hook]
pub fn use_watch(scenario: &Scenario, report: Option<Rc<Report>>) -> Watch {
    let player = use_reducer(Player::default);
    {
        // Advance the player while it plays.
        let d = player.dispatcher();
        let horizon_us = scenario.horizon.us();
        use_effect_with(
            (player.playing, horizon_us),
            move |(playing, horizon_us)| {
                let horizon_us = *horizon_us;
                let interval = playing.then(|| {
                    gloo::timers::callback::Interval::new(50, move || {
                        d.dispatch(PlayerAction::Tick { horizon_us })
                    })
                });
                move || drop(interval)
            },
        );
    }
    let watched = use_memo(
        (scenario.clone(), player.on, player.t_us, report),
        |(s, on, t, r)| {
            on.then(|| {
                let states = r
                    .as_ref()
                    .and_then(|r| r.trace.as_ref())
                    .map(|tr| watch::states_from_trace(tr, *t));
                (states.map(Rc::new), watch::global_at(s, *t))
            })
        },
    );
    let (states, global) = match &*watched {
        Some((states, global)) => (states.clone(), global.clone()),
        None => (None, Vec::new()),
    };
    Watch {
        player,
        states,
        global,
    }
}
