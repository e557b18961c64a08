//! Tests of the Study panel's pure state (`study.rs`).
use super::*;
use crate::scenario::{builtins, Dur};

fn form() -> StudyForm {
    StudyForm::new(Fidelity::Request)
}

#[test]
fn the_form_reads_into_the_cores_rule_and_refuses_bad_counts_with_its_message() {
    let mut f = form();
    f.replications = " 20 ".into();
    assert_eq!(f.stop(), Ok(Stop::Replications(20)));
    f.replications = "0".into();
    assert_eq!(
        f.stop().unwrap_err(),
        "a study runs 1 to 1000000 replications, not 0"
    );
    f.replications = "5000000".into();
    assert!(f.stop().unwrap_err().contains("not 5000000"));
    f.replications = "ten".into();
    assert!(f
        .stop()
        .unwrap_err()
        .contains("`ten` is not a whole number"));
    f.replications = "99999999999999999999999".into();
    assert!(f.stop().is_err());
    f.until_ci = true;
    f.width = "2.5".into();
    f.max = "300".into();
    assert_eq!(
        f.stop(),
        Ok(Stop::UntilCi {
            metric: Metric::RequestsFailed,
            half_width: 0.025,
            relative: true,
            max: 300
        })
    );
    f.width = "-1".into();
    assert!(f.stop().unwrap_err().contains("positive number"));
    f.width = "wide".into();
    assert!(f.stop().unwrap_err().contains("`wide` is not a number"));
}

#[test]
fn the_pool_has_one_to_eight_workers_and_no_more_than_replications() {
    assert_eq!(pool_size(2.0, 100), 2);
    assert_eq!(pool_size(64.0, 100), 8);
    assert_eq!(pool_size(0.0, 100), 1);
    assert_eq!(pool_size(f64::NAN, 100), 1);
    assert_eq!(pool_size(16.0, 3), 3);
    assert_eq!(pool_size(16.0, 0), 1);
}

#[test]
fn the_study_runs_at_the_forms_fidelity() {
    let s = builtins::get("haproxy-single-lb").unwrap().scenario();
    let mut f = StudyForm::new(Fidelity::Flow);
    assert_eq!(f.scenario(&s).fidelity, Fidelity::Flow);
    f.fidelity = Fidelity::Request;
    let t = f.scenario(&s);
    assert_eq!(
        (t.fidelity, t.seed, &t.components),
        (Fidelity::Request, s.seed, &s.components)
    );
}

#[test]
fn texts_keep_small_half_widths_and_fractional_means() {
    assert_eq!(significant(0.000123456), "0.000123");
    assert_eq!(significant(12.345), "12.3");
    assert_eq!(significant(1234.4), "1234");
    assert_eq!(significant(0.0), "0");
    assert_eq!(half_width_text(Metric::RequestsFailed, 0.4), "0.400");
    assert_eq!(
        half_width_text(Metric::RequestAvailability, 0.000012),
        "0.00120 %"
    );
    assert_eq!(half_width_text(Metric::LatencyP95, 0.0123), "0.0123 ms");
    assert_eq!(mean_text(Metric::LostSessions, 0.35), "0.350");
    assert_eq!(mean_text(Metric::LostSessions, 3.0), "3");
    assert_eq!(
        estimate_text(Metric::RequestsFailed, 12.5, Some(1.25)),
        "12.5 ± 1.25"
    );
    assert_eq!(estimate_text(Metric::RequestsFailed, 12.0, None), "12");
}

#[test]
fn targets_read_as_typed() {
    assert_eq!(target_percent(0.99), "99 %");
    assert_eq!(target_percent(0.9995), "99.95 %");
    assert_eq!(target_percent(0.8), "80 %");
    assert_eq!(target_percent(1.0), "100 %");
}

#[test]
fn bars_fill_the_box_with_the_tallest_at_full_height() {
    let h = Histogram {
        low: 0.0,
        high: 4.0,
        counts: vec![1, 4, 0, 2],
    };
    let b = bars(&h, 200.0, 40.0);
    assert_eq!(b.len(), 4);
    assert_eq!((b[1].y, b[1].h), (0.0, 40.0));
    assert_eq!((b[0].x, b[0].w, b[0].h, b[0].y), (0.0, 50.0, 10.0, 30.0));
    assert_eq!((b[2].h, b[3].x, b[3].h), (0.0, 150.0, 20.0));
    let empty = Histogram {
        low: 0.0,
        high: 0.0,
        counts: vec![],
    };
    assert!(bars(&empty, 10.0, 10.0).is_empty());
    let one = Histogram {
        low: 3.0,
        high: 3.0,
        counts: vec![20],
    };
    assert_eq!(
        bars(&one, 200.0, 40.0),
        vec![Bar {
            x: 95.0,
            y: 0.0,
            w: 10.0,
            h: 40.0,
            count: 20
        }]
    );
}

#[test]
fn the_csv_has_a_row_per_replication_and_a_column_per_metric() {
    let mut s = builtins::get("haproxy-single-lb").unwrap().scenario();
    s.horizon = Dur::mins(2);
    s.fidelity = Fidelity::Flow;
    let cfg = crate::scenario::compile(&s).unwrap().config;
    let reps: Vec<Replication> = (0..3).map(|k| Replication::run(&cfg, k)).collect();
    let csv = replications_csv(&reps);
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 4);
    let head: Vec<&str> = lines[0].split(',').collect();
    assert_eq!(head.len(), 3 + Metric::all().count());
    assert_eq!(&head[..4], ["k", "seed", "digest", "availability_request"]);
    let at = |key: &str| head.iter().position(|h| *h == key).unwrap();
    for (r, line) in reps.iter().zip(&lines[1..]) {
        let cells: Vec<&str> = line.split(',').collect();
        assert_eq!(cells.len(), head.len());
        assert_eq!(cells[1], r.seed.to_string());
        assert_eq!(cells[2], r.digest);
        let failed: f64 = cells[at("requests_failed")].parse().unwrap();
        assert_eq!(failed, r.value(Metric::RequestsFailed));
        // Latency is not modelled at flow level: empty, not 0.
        assert_eq!(cells[at("latency_p99_ms")], "");
    }
}

#[test]
fn the_state_follows_only_the_study_in_flight() {
    let live = |id| Live {
        id,
        done: 0,
        planned: 10,
        until_ci: false,
        workers: 2,
        started_ms: 1000.0,
        per_s: 0.0,
        estimates: vec![],
        choosing: None,
        design: None,
    };
    let st = StudyState::default().apply(StudyAction::Started(live(2)));
    let st = st.apply(StudyAction::Progress {
        id: 2,
        done: 4,
        estimates: vec![],
        now_ms: 3000.0,
    });
    let l = st.running.clone().unwrap();
    assert_eq!((l.done, l.per_s, l.fraction()), (4, 2.0, 0.4));
    // An older study's message changes nothing.
    let st = st.apply(StudyAction::Failed {
        id: 1,
        message: "old".into(),
    });
    assert!(st.running.is_some() && st.message.is_none());
    let st = st.apply(StudyAction::Failed {
        id: 2,
        message: "The scenario has errors".into(),
    });
    assert!(st.running.is_none());
    assert_eq!(st.message.as_deref(), Some("The scenario has errors"));
    let st = st.apply(StudyAction::DismissMessage);
    assert!(st.message.is_none());
}

#[test]
fn a_cancelled_study_keeps_its_results_and_says_so() {
    let mut s = builtins::get("haproxy-single-lb").unwrap().scenario();
    s.horizon = Dur::mins(2);
    let cfg = crate::scenario::compile(&s).unwrap().config;
    let mut study = Study::new(Stop::Replications(10));
    for k in 0..3 {
        study.push(Replication::run(&cfg, k)).unwrap();
    }
    study.halt(StoppedBy::Cancelled);
    let f = Rc::new(Finished::of(&study, Rc::new(s), 1.0));
    let st = StudyState::default()
        .apply(StudyAction::Started(Live {
            id: 5,
            done: 3,
            planned: 10,
            until_ci: false,
            workers: 1,
            started_ms: 0.0,
            per_s: 0.0,
            estimates: estimates(&study),
            choosing: None,
            design: None,
        }))
        .apply(StudyAction::Finished { id: 5, finished: f });
    let fin = st.finished.as_ref().unwrap();
    assert_eq!(fin.report.replications, 3);
    assert_eq!(stopped_text(&fin.report), "cancelled after 3 replications");
    assert!(st.message.unwrap().contains("cancelled after 3"));
}

#[test]
fn the_warm_up_field_reads_empty_a_duration_or_auto_and_names_itself_when_wrong() {
    let s = builtins::get("haproxy-single-lb").unwrap().scenario();
    let mut f = form();
    assert_eq!(f.warmup(), Ok(WarmupChoice::Scenario));
    f.warmup = " 10m ".into();
    assert_eq!(f.warmup(), Ok(WarmupChoice::Fixed(Dur::mins(10))));
    f.warmup = "1m30s".into();
    assert_eq!(f.warmup_for(&s), Ok(WarmupChoice::Fixed(Dur::secs(90))));
    for auto in ["auto", " Auto "] {
        f.warmup = auto.into();
        assert_eq!(f.warmup_for(&s), Ok(WarmupChoice::Auto));
    }
    for (bad, why) in [
        ("ten", "`ten` is not a duration"),
        ("10", "missing unit"),
        ("10 parsecs", "not a duration"),
        ("automatic", "nor `auto`"),
    ] {
        f.warmup = bad.into();
        let e = f.warmup_for(&s).unwrap_err();
        assert!(e.starts_with("Warm-up: ") && e.contains(why), "{bad}: {e}");
    }
    // as long as the horizon (1h) or zero: refused before anything runs
    f.warmup = "1h".into();
    let e = f.warmup_for(&s).unwrap_err();
    assert!(e.contains("not shorter than the horizon (1h)"), "{e}");
    assert_eq!(f.warmup(), Ok(WarmupChoice::Fixed(Dur::hours(1))));
    f.warmup = "0s".into();
    assert!(f.warmup_for(&s).unwrap_err().starts_with("Warm-up: 0s"));
}

#[test]
fn the_study_runs_with_the_forms_warm_up_or_the_scenarios() {
    let mut s = builtins::get("haproxy-single-lb").unwrap().scenario();
    s.warmup = Some(Dur::mins(5));
    let mut f = form();
    assert_eq!(
        f.scenario(&s).warmup,
        Some(Dur::mins(5)),
        "empty: the scenario's"
    );
    f.warmup = "10m".into();
    assert_eq!(f.scenario(&s).warmup, Some(Dur::mins(10)));
    // auto: the pilots run without a warm-up (the chosen one is set after them)
    f.warmup = "auto".into();
    assert_eq!(f.scenario(&s).warmup, None);
    // a field that does not read leaves the scenario as it is (start refuses it anyway)
    f.warmup = "soon".into();
    assert_eq!(f.scenario(&s).warmup, Some(Dur::mins(5)));
}

fn finished(s: &Scenario, w: warmup::Warmup) -> Finished {
    let mut s = s.clone();
    if w.method == Method::Mser5 {
        s.warmup = w.scenario_warmup();
    }
    let study = Study::new(Stop::Replications(3)).with_warmup(w);
    Finished::of(&study, Rc::new(s), 1.0)
}

#[test]
fn the_finished_study_says_which_warm_up_it_used() {
    let s = builtins::get("haproxy-single-lb").unwrap().scenario();
    let mser5 = |us| warmup::Warmup {
        us,
        method: Method::Mser5,
    };
    let fin = finished(&s, mser5(720_000_000));
    assert_eq!(fin.pilots, 3, "no more pilots than replications");
    assert_eq!(
        warmup_text(&fin.report, 10),
        "Warm-up: 12.0 min (MSER-5 on 10 pilot runs)"
    );
    assert_eq!(
        (fin.report.warmup_s, fin.report.warmup_method),
        (720.0, Method::Mser5)
    );
    let fixed = warmup::given(Some(&Dur::mins(10)));
    assert_eq!(
        warmup_text(&finished(&s, fixed).report, 10),
        "Warm-up: 10.0 min (fixed)"
    );
    let none = warmup::given(None);
    assert_eq!(warmup_text(&finished(&s, none).report, 10), "No warm-up");
    assert!(warmup_text(&finished(&s, mser5(0)).report, 10).starts_with("No warm-up (MSER-5"));
}

#[test]
fn an_auto_study_is_current_while_the_form_says_auto_and_the_scenario_is_unchanged() {
    let s = builtins::get("haproxy-single-lb").unwrap().scenario();
    let mut f = form();
    f.warmup = "auto".into();
    let chosen = warmup::Warmup {
        us: 300_000_000,
        method: Method::Mser5,
    };
    let fin = finished(&f.scenario(&s), chosen);
    assert_eq!(fin.scenario.warmup, Some(Dur::mins(5)));
    assert!(!f.is_stale(&s, &fin));
    f.warmup = "5m".into();
    assert!(f.is_stale(&s, &fin), "a fixed 5m is another study");
    f.warmup = String::new();
    assert!(f.is_stale(&s, &fin));
    f.warmup = "auto".into();
    let mut edited = s.clone();
    edited.horizon = Dur::hours(2);
    assert!(f.is_stale(&edited, &fin));
    // a study with the scenario's own warm-up, and the form then asking for auto
    let own = finished(&form().scenario(&s), warmup::given(None));
    assert!(!form().is_stale(&s, &own));
    assert!(f.is_stale(&s, &own));
}

#[test]
fn while_the_warm_up_is_chosen_the_progress_counts_pilot_runs() {
    let live = Live {
        id: 4,
        done: 0,
        planned: 50,
        until_ci: false,
        workers: 2,
        started_ms: 0.0,
        per_s: 0.0,
        estimates: vec![],
        choosing: Some((10, 0)),
        design: None,
    };
    let st = StudyState::default().apply(StudyAction::Started(live));
    let st = st.apply(StudyAction::Piloted { id: 4, done: 3 });
    assert_eq!(st.running.as_ref().unwrap().choosing, Some((10, 3)));
    // an older study's pilots change nothing
    let st = st.apply(StudyAction::Piloted { id: 3, done: 9 });
    assert_eq!(st.running.as_ref().unwrap().choosing, Some((10, 3)));
    let st = st.apply(StudyAction::WarmupChosen {
        id: 4,
        now_ms: 2500.0,
    });
    let l = st.running.as_ref().unwrap();
    assert_eq!((l.choosing, l.started_ms), (None, 2500.0));
}
