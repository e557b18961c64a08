//! Runs bounded by work, not by wall-clock time: the DNS decay at flow level with short TTLs
//! (issue 13), the engine fuzzer's findings, event and memory budgets.

use failover_lab::scenario::{self, builtins};
use failover_lab::sim::{self, Fidelity, Report, Simulation};
use serde_json::Value;

fn config_of(doc: &Value, fidelity: Fidelity) -> sim::Config {
    let s = scenario::parse_json(&doc.to_string()).expect("parses");
    let mut c = scenario::compile(&s).expect("compiles").config;
    c.fidelity = fidelity;
    c
}

/// Runs `config` to its end, one event at a time, failing once it has taken `budget` events.
fn run_within(config: sim::Config, budget: u64) -> (Report, u64) {
    let mut sim = Simulation::new(config);
    while sim.step() {
        assert!(
            sim.events() <= budget,
            "more than {budget} events by t = {} µs",
            sim.now()
        );
    }
    let r = sim.report();
    let q = &r.requests;
    assert_eq!(q.offered, q.served + q.failed, "offered = served + failed");
    (r, sim.events())
}

/// Found by the engine fuzzer (input `hW+apA==` when it was found: `dns-vs-bgp` with a DNS TTL
/// of 1 ms; built here directly, as the fuzzer's byte mapping moves with the built-ins): at flow level
/// the decay of cached answers ticked every TTL/16 = 62 µs over a list of cohorts that grew at
/// every tick (the stale clients keep theirs for a day), so 300,000 events took 9 minutes.
/// Ticks are now at least 1 ms and a 16,384th of the stale TTL apart, the normal clients' pace
/// ends when they have moved, and each kind's cohorts are a queue in expiry order with close
/// expiries merged.
#[test]
fn fuzz_engine_short_ttl_finishes_within_a_few_events() {
    let b = builtins::get("dns-vs-bgp").expect("the built-in");
    let mut doc: Value = serde_json::from_str(b.json()).expect("its JSON");
    *doc.pointer_mut("/routing/dns/ttl").expect("a DNS TTL") = Value::from("1ms");
    for fidelity in [Fidelity::Flow, Fidelity::Request] {
        let budget = if fidelity == Fidelity::Flow {
            1_000
        } else {
            20_000_000
        };
        let (r, _) = run_within(config_of(&doc, fidelity), budget);
        assert!(
            r.requests.failed > 0,
            "the data center's outage fails requests"
        );
    }
}

/// Two sites behind DNS, site a down from 3m for `down`, clients with TTL `ttl`; a share of
/// them keeps the dead address for `stale_for`.
fn dns_outage(ttl: &str, stale_share: f64, stale_for: &str, horizon: &str, down: &str) -> Value {
    let json = format!(
        r#"{{ "version": 1, "name": "short-ttl", "seed": 1, "horizon": "{horizon}",
          "sites": [ {{ "id": "a" }}, {{ "id": "b" }} ],
          "routing": {{ "dns": {{ "ttl": "{ttl}", "detection": "30s", "stale_share": {stale_share}, "stale_for": "{stale_for}", "active_active": true }} }},
          "traffic": {{ "entry": ["lb_a", "lb_b"], "sessions_per_s": 2, "session_duration": "4m", "requests_per_session": 40, "write_share": 0 }},
          "components": [
            {{ "id": "lb_a", "site": "a", "next": ["web_a"], "spec": {{ "load_balancer": {{}} }} }},
            {{ "id": "web_a", "site": "a", "spec": {{ "web": {{ "nodes": 2 }} }} }},
            {{ "id": "lb_b", "site": "b", "next": ["web_b"], "spec": {{ "load_balancer": {{}} }} }},
            {{ "id": "web_b", "site": "b", "spec": {{ "web": {{ "nodes": 2 }} }} }} ],
          "faults": [ {{ "site_outage": {{ "at": "3m", "site": "a", "duration": "{down}" }} }} ] }}"#
    );
    serde_json::from_str(&json).expect("json")
}

fn cause(r: &Report, c: &str) -> u64 {
    r.requests.failed_by_cause.get(c).copied().unwrap_or(0)
}

/// TTL 0 s and 1 ms at flow level over 30 days with a site down for 10 days: a bounded number
/// of decay ticks, and the failures of the model's closed form. Site a is down from 3m to
/// 10 d 3 m; DNS withdraws it after its 30 s detection. Until then, half the new sessions
/// resolve to it and every request to a from a session that resolved there fails; after it,
/// with a TTL of (almost) nothing, only the stale clients keep failing, for `stale_for` at most.
#[test]
fn flow_level_ttl_zero_and_one_ms_over_thirty_days() {
    for ttl in ["0s", "1ms"] {
        let doc = dns_outage(ttl, 0.2, "1h", "30d", "10d");
        let (r, events) = run_within(config_of(&doc, Fidelity::Flow), 20_000);
        assert!(events > 0);
        // requests per second: 2 sessions/s × 40 requests = 80/s; 30 days of them
        let offered = 80.0 * 30.0 * 86_400.0;
        let rel = (r.requests.offered as f64 - offered).abs() / offered;
        assert!(
            rel < 0.01,
            "{ttl}: offered {} vs {offered}",
            r.requests.offered
        );
        // the 30 s before the withdrawal: sessions on site a fail (half the traffic at most)
        let site_down = cause(&r, "site_down") as f64;
        assert!(
            site_down <= 40.0 * 31.0 + 1.0,
            "{ttl}: site_down {site_down}"
        );
        // after it: the stale share of a's sessions, for an hour at most: 20 % of 40/s
        let stale = cause(&r, "dns_stale") as f64;
        assert!(
            stale <= 0.2 * 40.0 * 3_600.0 * 1.05,
            "{ttl}: dns_stale {stale}"
        );
        assert!(stale > 0.0, "{ttl}: the stale clients fail");
        let served_share = r.requests.served as f64 / r.requests.offered as f64;
        assert!(served_share > 0.999, "{ttl}: {served_share}");
    }
}

/// With a TTL of 0 s or 1 ms, flow level and request level agree on the stale clients'
/// failures after DNS withdrew a dead site (flow level within the request level's spread over
/// 8 seeds). Not compared: the 30 s before the withdrawal, while the dead entry is still
/// listed. There the request level's clients re-resolve at every request and keep drawing the
/// dead entry, while the flow level moves a client that drew a live entry there for good, so
/// at flow level the `site_down` failures of that window fall with the TTL (at 10 s, a TTL
/// the decay's change leaves alone, already about half the request level's); docs/limits.md.
#[test]
fn flow_and_request_level_agree_on_a_zero_and_a_one_ms_ttl() {
    for ttl in ["0s", "1ms"] {
        let doc = dns_outage(ttl, 0.2, "10m", "40m", "20m");
        let flow = run_within(config_of(&doc, Fidelity::Flow), 100_000).0;
        let avail = |r: &Report| cause(r, "dns_stale") as f64;
        let req: Vec<f64> = (1..=8)
            .map(|seed| {
                let mut c = config_of(&doc, Fidelity::Request);
                c.seed = seed;
                avail(&run_within(c, 50_000_000).0)
            })
            .collect();
        let mean = req.iter().sum::<f64>() / 8.0;
        let var = req.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / 7.0;
        let half = 2.365 * (var / 8.0).sqrt();
        let f = avail(&flow);
        assert!(
            (f - mean).abs() <= half.max(1.0),
            "{ttl}: flow {f} vs request {mean} ± {half}"
        );
    }
}

/// The issue's 5.3 GB scenario (a web tier whose two nodes fail every 2 µs (MTBF) for 10 s, ten
/// million random failures, each an incident with its strings and a marker), run for 1 s at
/// flow level to keep a debug test short (a million failures, the same code). Now the first
/// `MAX_INCIDENT_RECORDS` are kept in full and the rest aggregated per (trigger, component),
/// markers stop at `MAX_MARKERS`, and the report stays small.
#[test]
fn ten_million_random_failures_give_a_bounded_report() {
    use failover_lab::sim::limits::{MAX_INCIDENT_RECORDS, MAX_MARKERS};
    let json = r#"{ "version": 1, "name": "mtbf-2us", "seed": 1, "horizon": "1s",
      "traffic": { "entry": ["lb"], "sessions_per_s": 20, "session_duration": "1m", "requests_per_session": 10, "write_share": 0 },
      "components": [
        { "id": "lb", "next": ["web"], "spec": { "load_balancer": {} } },
        { "id": "web", "failure": { "mtbf": "2us", "mttr": "1us", "repair": "fixed" }, "spec": { "web": { "nodes": 2 } } } ] }"#;
    let doc: Value = serde_json::from_str(json).expect("json");
    let mut config = config_of(&doc, Fidelity::Flow);
    config.budget.events = u64::MAX;
    let (r, events) = run_within(config, 20_000_000);
    assert!(r.partial.is_none(), "{:?}", r.partial);
    // two nodes, each failing on average every 2 µs + 1 µs of repair: about 670,000 failures
    assert!(events > 600_000, "{events} events");
    assert!(
        r.incidents.len() <= MAX_INCIDENT_RECORDS + 1,
        "{}",
        r.incidents.len()
    );
    let agg: Vec<_> = r.incidents.iter().filter(|i| i.aggregated > 0).collect();
    assert_eq!(agg.len(), 1, "one aggregate: random failure of web");
    assert_eq!(
        (agg[0].trigger.as_str(), agg[0].component.as_str()),
        ("random failure", "web")
    );
    assert_eq!(
        agg[0].recovery,
        format!("{} more incidents aggregated", agg[0].aggregated)
    );
    assert!(agg[0].aggregated > 500_000, "{}", agg[0].aggregated);
    assert_eq!(r.series.markers.len(), MAX_MARKERS);
    assert!(r.series.markers_omitted > 500_000);
    let size = serde_json::to_string(&r).expect("json").len();
    assert!(size < 1_000_000, "a report of {size} bytes");
}

/// A run that reaches its event budget stops there with a partial report that says where;
/// running it in chunks stops at the same event with the same report.
#[test]
fn a_run_over_its_event_budget_stops_with_a_partial_report() {
    let doc: Value =
        serde_json::from_str(builtins::get("liferay-reference").expect("built-in").json())
            .expect("json");
    let mut config = config_of(&doc, Fidelity::Request);
    config.budget.events = 100_000;
    let once = sim::run(config.clone());
    assert_eq!(once.events, 100_000);
    let p = once.partial.clone().expect("partial");
    assert_eq!(p.budget, "events");
    assert!(p.at_s > 0.0 && p.at_s < once.horizon_s);
    assert_eq!(
        p.message,
        format!(
            "event budget of 100000 events reached at t = {} s of {} s: the run stopped there and this report covers it up to there",
            p.at_s, once.horizon_s
        )
    );
    let mut chunked = Simulation::new(config);
    while !chunked.run_until_at_most(chunked.horizon(), 777) && chunked.stopped().is_none() {}
    assert!(chunked.stopped().is_some());
    assert_eq!(chunked.report(), once);
    // and the same run with a budget it does not reach is not partial
    let mut config = config_of(&doc, Fidelity::Request);
    config.horizon = 60_000_000;
    config.budget.events = 10_000_000;
    let full = sim::run(config);
    assert!(full.partial.is_none());
}

/// A run whose memory estimate passes its budget stops with a partial report naming it.
#[test]
fn a_run_over_its_memory_budget_stops_with_a_partial_report() {
    let doc: Value =
        serde_json::from_str(builtins::get("liferay-reference").expect("built-in").json())
            .expect("json");
    let mut config = config_of(&doc, Fidelity::Request);
    config.budget.memory_bytes = 1 << 10;
    let r = sim::run(config);
    let p = r.partial.expect("partial");
    assert_eq!(p.budget, "memory");
    assert!(
        p.message.starts_with("memory budget of 0 MiB"),
        "{}",
        p.message
    );
    assert!(r.events < r.horizon_s as u64 * 1_000, "{} events", r.events);
}
