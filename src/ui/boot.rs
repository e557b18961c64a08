//! What the page opens on: a share link (`#s=…`), else the autosave, else the default built-in,
//! with a message when a link or the autosave could not be used. Pure, so unit-tested natively.

use crate::scenario::{self, builtins, link, Scenario};

/// The built-in the page opens on.
pub const DEFAULT_BUILTIN: &str = "liferay-reference";

/// What the page starts with, and a message when a link or the autosave could not be used.
#[derive(Clone, Debug, PartialEq)]
pub struct Boot {
    pub scenario: Scenario,
    pub message: Option<String>,
    pub from_link: bool,
}

/// The default built-in scenario.
pub fn default_scenario() -> Scenario {
    builtins::get(DEFAULT_BUILTIN)
        .or_else(|| builtins::all().first())
        .map(|b| b.scenario())
        .unwrap_or_else(|| Scenario {
            version: scenario::FORMAT_VERSION,
            name: "empty".into(),
            description: String::new(),
            seed: 1,
            horizon: scenario::Dur::hours(1),
            fidelity: Default::default(),
            traffic: Default::default(),
            routing: Default::default(),
            sites: Vec::new(),
            site_links: Vec::new(),
            components: Vec::new(),
            faults: Vec::new(),
            metrics: Default::default(),
        })
}

/// Decides what to open: a share link, else the autosave, else the default built-in. Pure
/// apart from its inputs, so it is unit-tested.
pub fn choose_start(fragment: Option<String>, autosave: Option<Result<Scenario, String>>) -> Boot {
    let mut messages = Vec::new();
    let fallback =
        |messages: &mut Vec<String>, autosave: Option<Result<Scenario, String>>| match autosave {
            Some(Ok(s)) => Some(s),
            Some(Err(m)) => {
                messages.push(m);
                None
            }
            None => None,
        };
    if let Some(frag) = fragment {
        match link::decode(&frag) {
            Ok(shared) => {
                let mut s = shared.scenario;
                s.seed = shared.seed;
                if shared.engine_version != crate::ENGINE_VERSION {
                    messages.push(format!(
                        "This link was made with engine {}; this is engine {}, so results may differ from the sender's.",
                        shared.engine_version,
                        crate::ENGINE_VERSION
                    ));
                }
                return Boot {
                    scenario: s,
                    message: (!messages.is_empty()).then(|| messages.join(" ")),
                    from_link: true,
                };
            }
            Err(e) => {
                let restored = fallback(&mut messages, autosave);
                let what = if restored.is_some() {
                    "your last autosaved work is shown instead"
                } else {
                    "the built-in scenario is shown instead"
                };
                messages.insert(
                    0,
                    format!(
                        "This share link could not be opened: {e}. {}.",
                        capitalize_first(what)
                    ),
                );
                return Boot {
                    scenario: restored.unwrap_or_else(default_scenario),
                    message: Some(messages.join(" ")),
                    from_link: false,
                };
            }
        }
    }
    let s = fallback(&mut messages, autosave).unwrap_or_else(default_scenario);
    Boot {
        scenario: s,
        message: (!messages.is_empty()).then(|| messages.join(" ")),
        from_link: false,
    }
}

fn capitalize_first(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opens_the_default_builtin_without_link_or_autosave() {
        let b = choose_start(None, None);
        assert_eq!(b.scenario.name, DEFAULT_BUILTIN);
        assert!(b.message.is_none());
    }

    #[test]
    fn restores_the_autosave() {
        let mut s = default_scenario();
        s.name = "mine".into();
        let b = choose_start(None, Some(Ok(s)));
        assert_eq!(b.scenario.name, "mine");
    }

    #[test]
    fn a_bad_link_says_so_and_falls_back_to_the_autosave() {
        let mut s = default_scenario();
        s.name = "mine".into();
        let b = choose_start(Some("garbage!!".into()), Some(Ok(s)));
        assert_eq!(b.scenario.name, "mine");
        let m = b.message.unwrap();
        assert!(m.contains("could not be opened"), "{m}");
        assert!(m.contains("autosaved"), "{m}");
        let b = choose_start(Some("garbage!!".into()), None);
        assert_eq!(b.scenario.name, DEFAULT_BUILTIN);
        assert!(b.message.unwrap().contains("built-in"));
    }

    #[test]
    fn an_unreadable_autosave_is_reported() {
        let b = choose_start(
            None,
            Some(Err("Your autosaved work could not be read".into())),
        );
        assert_eq!(b.scenario.name, DEFAULT_BUILTIN);
        assert!(b.message.unwrap().contains("could not be read"));
    }

    #[test]
    fn a_good_link_opens_its_scenario_and_seed() {
        let mut s = default_scenario();
        s.name = "shared".into();
        let frag = link::encode(&link::Shared {
            scenario: s.clone(),
            seed: 42,
            engine_version: crate::ENGINE_VERSION.into(),
        });
        let b = choose_start(Some(frag.clone()), None);
        assert!(b.from_link, "{:?}", b.message);
        assert_eq!(b.scenario.name, "shared");
        assert_eq!(b.scenario.seed, 42);
        assert!(b.message.is_none(), "{:?}", b.message);
        // The link wins over the autosave.
        let mut mine = default_scenario();
        mine.name = "mine".into();
        let b = choose_start(Some(frag), Some(Ok(mine)));
        assert!(b.from_link);
        assert_eq!(b.scenario.name, "shared");
    }

    #[test]
    fn a_link_from_another_engine_opens_with_a_warning() {
        let frag = link::encode(&link::Shared {
            scenario: default_scenario(),
            seed: 7,
            engine_version: "0.0.0-older".into(),
        });
        let b = choose_start(Some(frag), None);
        assert!(b.from_link);
        assert_eq!(b.scenario.seed, 7);
        let m = b.message.unwrap();
        assert!(
            m.contains("0.0.0-older") && m.contains(crate::ENGINE_VERSION),
            "{m}"
        );
    }
}
