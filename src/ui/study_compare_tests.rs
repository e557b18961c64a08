//! Tests of the Study panel's comparison (`study_compare.rs`) and of the form's refusal.
use super::*;
use crate::scenario::{Dur, Fidelity};
use crate::study::compare::Comparison;
use crate::study::{Replication, Stop, Study};
use crate::ui::library::Entry;
use crate::ui::study::StudyForm;

fn library() -> Library {
    let mut lib = Library::default();
    for (id, name) in [("e1", "my design"), ("e2", "open one")] {
        let mut s = builtins::get("haproxy-single-lb").unwrap().scenario();
        s.name = name.into();
        lib.entries.push(Entry {
            id: id.into(),
            name: name.into(),
            updated: 1,
            rev: 1,
            scenario: s,
        });
    }
    lib
}

#[test]
fn a_comparison_with_a_ci_rule_is_refused_naming_the_field() {
    let mut f = StudyForm::new(Fidelity::Request);
    f.compare = "builtin:haproxy-single-lb".into();
    f.replications = "20".into();
    assert_eq!(f.stop(), Ok(Stop::Replications(20)));
    f.until_ci = true;
    let e = f.stop().unwrap_err();
    assert!(e.starts_with("Compare with:"), "{e}");
    assert!(e.contains("fixed number of replications"), "{e}");
    // without a comparison the same rule is fine
    f.compare.clear();
    assert!(f.stop().is_ok());
}

#[test]
fn the_choices_are_the_saved_designs_but_the_open_one_then_every_builtin() {
    let lib = library();
    let c = choices(&lib, Some("e2"));
    let saved: Vec<&str> = c
        .iter()
        .filter(|c| c.group == "saved")
        .map(|c| c.label.as_str())
        .collect();
    assert_eq!(saved, ["my design"]);
    assert_eq!(c[0].value, "saved:e1");
    let built = c.iter().filter(|c| c.group == "builtin").count();
    assert_eq!(built, builtins::all().len());
    // every value reads back as the choice it names, and names a design
    for x in &c {
        let w = CompareWith::parse(&x.value).unwrap();
        assert_eq!(w.value(), x.value);
        assert!(w.design(&lib).is_ok(), "{}", x.value);
    }
    assert_eq!(CompareWith::parse(""), None);
    assert_eq!(
        CompareWith::Saved("gone".into()).design(&lib).unwrap_err(),
        "Compare with: that saved design is no longer in the library; choose another"
    );
    assert!(CompareWith::Builtin("nope".into())
        .design(&lib)
        .unwrap_err()
        .contains("no built-in scenario `nope`"));
}

#[test]
fn design_b_runs_like_the_clis_with_the_forms_fidelity_and_as_seed_and_warm_up() {
    let mut a = builtins::get("haproxy-single-lb").unwrap().scenario();
    a.seed = 77;
    a.warmup = Some(Dur::mins(3));
    a.fidelity = Fidelity::Flow;
    let mut b = builtins::get("haproxy-single-lb").unwrap().scenario();
    b.seed = 5;
    b.warmup = None;
    b.horizon = Dur::mins(40);
    b.name = "variant".into();
    let ui = design_b(&a, b.clone(), Fidelity::Flow);
    // the CLI's `study A --compare B --mode flow` (no --horizon)
    assert_eq!(
        ui,
        compare::design_b(&a, b.clone(), None, Some(Fidelity::Flow))
    );
    assert_eq!((ui.seed, ui.warmup.clone()), (77, Some(Dur::mins(3))));
    assert_eq!(ui.fidelity, Fidelity::Flow);
    // B keeps its own horizon and everything else
    assert_eq!(
        (ui.horizon.clone(), ui.name.as_str()),
        (Dur::mins(40), "variant")
    );
    assert_eq!(ui.components, b.components);
}

/// A comparison of the built-in (A) with a variant (B) whose load balancer's crash lasts 2 min
/// instead of 5: fewer failed requests, for sure.
fn comparison() -> Comparison {
    let mut a = builtins::get("haproxy-single-lb").unwrap().scenario();
    a.fidelity = Fidelity::Flow;
    let mut v = serde_json::to_value(&a).unwrap();
    v["name"] = "short-crash".into();
    v["faults"][1]["crash"]["duration"] = "2m".into();
    let b = crate::scenario::parse_json(&v.to_string()).unwrap();
    let b = design_b(&a, b, a.fidelity);
    let run = |s: &crate::scenario::Scenario| {
        let cfg = crate::scenario::compile(s).unwrap().config;
        let mut st = Study::new(Stop::Replications(6));
        for k in 0..6 {
            st.push(Replication::run(&cfg, k)).unwrap();
        }
        st
    };
    Comparison::of(&run(&a), &a, &run(&b), &b).unwrap()
}

#[test]
fn the_table_has_the_clis_rows_and_says_in_words_what_the_interval_says() {
    let c = comparison();
    let rows = rows(&c);
    assert!(!rows.is_empty());
    let keys: Vec<&str> = rows.iter().map(|r| r.metric.csv_key()).collect();
    let table: Vec<&str> = TABLE
        .iter()
        .map(|m| m.csv_key())
        .filter(|k| keys.contains(k))
        .collect();
    assert_eq!(keys, table, "the CLI's rows, in its order");
    for r in &rows {
        let d = &c.difference[r.metric.csv_key()];
        assert_eq!(r.difference, compare::difference_text(r.metric, &d.paired));
        assert_eq!(r.higher, significance(d));
        match r.higher {
            Some(_) => assert!(r.sentence.starts_with("B has "), "{}", r.sentence),
            None => assert!(
                r.sentence.starts_with("No "),
                "{}: {}",
                r.metric.csv_key(),
                r.sentence
            ),
        }
    }
    let failed = rows
        .iter()
        .find(|r| r.metric == Metric::RequestsFailed)
        .unwrap();
    assert_eq!(failed.higher, Some(false), "{}", failed.sentence);
    assert!(failed
        .sentence
        .starts_with("B has fewer requests failed: -"));
    assert!(summary(&rows).contains(&failed.sentence));
}

#[test]
fn sentences_name_the_direction_in_the_metrics_words() {
    use crate::study::compare::Difference;
    use crate::study::stats::Summary;
    let d = |xs: &[f64]| Difference {
        paired: Summary::of(xs).unwrap(),
        independent_variance: 4.0,
        variance_ratio: 2.0,
    };
    let fewer = d(&[-3.0, -2.0, -4.0, -3.0]);
    let s = sentence(Metric::RequestsFailed, &fewer, significance(&fewer));
    assert!(s.starts_with("B has fewer requests failed: -3.0 ["), "{s}");
    assert!(s.ends_with("] (95 % CI)"), "{s}");
    let up = d(&[0.001, 0.002, 0.0015, 0.001]);
    let s = sentence(Metric::RequestAvailability, &up, significance(&up));
    assert!(
        s.starts_with("B has higher request availability: +0.1"),
        "{s}"
    );
    assert!(s.contains(" pp ["), "{s}");
    let none = d(&[-1.0, 1.0, 2.0, -2.0]);
    assert_eq!(significance(&none), None);
    let s = sentence(Metric::WorstRto, &none, None);
    assert!(
        s.starts_with("No significant difference in worst RTO (the 95 % CI "),
        "{s}"
    );
    let rows = [Row {
        metric: Metric::WorstRto,
        a: String::new(),
        b: String::new(),
        difference: String::new(),
        variance_ratio: ratio_text(&none),
        higher: None,
        verdict: verdict(&none, None),
        sentence: s,
    }];
    assert_eq!(
        summary(&rows),
        ["No significant difference: every 95 % CI of B − A below includes 0."]
    );
    assert_eq!(rows[0].variance_ratio, "2.0");
    let same = Difference {
        paired: Summary::of(&[0.0, 0.0]).unwrap(),
        independent_variance: 0.0,
        variance_ratio: f64::INFINITY,
    };
    assert_eq!(ratio_text(&same), "—");
    assert_eq!(verdict(&same, None), "the same in every replication");
    assert_eq!(rows[0].verdict, "no significant difference");
    assert_eq!(verdict(&fewer, Some(false)), "B lower");
}
