#![cfg(not(target_arch = "wasm32"))]
//! Scenario layer: parsing, validation, share links, the built-in library and the JSON Schema.
//!
//! Validation rules go through one data-driven helper: [`check`] takes a patch applied to a small
//! valid scenario and the problems expected, each written `severity path: message start`, in the
//! order validation reports them (errors first, then warnings).

use failover_lab::scenario::{
    builtins, link, parse_json, schema, validate, Dur, Fault, Problem, Scenario, Severity,
};
use serde_json::{json, Value};

/// A small valid scenario without warnings: LB pair → two web → two app (buddy) → DB + replica.
fn base() -> Value {
    json!({
        "version": 1, "name": "t", "horizon": "1h",
        "traffic": { "entry": ["lb"] },
        "components": [
            { "id": "lb", "next": ["web"], "spec": { "load_balancer": { "mode": "active_passive" } } },
            { "id": "web", "next": ["app"], "spec": { "web": { "nodes": 2 } } },
            { "id": "app", "next": ["db"], "spec": { "app": { "nodes": 2, "sessions": "buddy" } } },
            { "id": "db", "spec": { "database": { "replicas": [{}] } } }
        ]
    })
}

/// A two-site variant of [`base`]: DNS routing, one LB + app per site, DB in `a` with a replica
/// in `b`.
fn two_sites() -> Value {
    json!({
        "version": 1, "name": "t2", "horizon": "1h",
        "traffic": { "entry": ["lb-a", "lb-b"] },
        "routing": { "dns": { "ttl": "1m", "detection": "10s", "stale_share": 0.0, "stale_for": "0s", "active_active": true } },
        "sites": [ { "id": "a" }, { "id": "b" } ],
        "site_links": [ { "a": "a", "b": "b", "latency": "1ms" } ],
        "components": [
            { "id": "lb-a", "site": "a", "next": ["app-a"], "spec": { "load_balancer": { "mode": "active_passive" } } },
            { "id": "app-a", "site": "a", "next": ["db"], "spec": { "app": {} } },
            { "id": "lb-b", "site": "b", "next": ["app-b"], "spec": { "load_balancer": { "mode": "active_passive" } } },
            { "id": "app-b", "site": "b", "next": ["db"], "spec": { "app": {} } },
            { "id": "db", "site": "a", "spec": { "database": { "replicas": [{ "site": "b" }] } } }
        ]
    })
}

fn render(p: &Problem) -> String {
    let sev = match p.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    format!("{sev} {}: {}", p.path, p.message)
}

/// Every problem of a JSON text: the parse problems, or else the validation problems.
fn problems_of_text(text: &str) -> Vec<Problem> {
    match parse_json(text) {
        Ok(s) => validate::validate(&s),
        Err(problems) => problems,
    }
}

fn assert_problems(got: &[Problem], expected: &[&str]) {
    let rendered: Vec<String> = got.iter().map(render).collect();
    let ok = rendered.len() == expected.len()
        && rendered.iter().zip(expected).all(|(g, e)| g.starts_with(e));
    assert!(
        ok,
        "expected:\n  {}\ngot:\n  {}",
        expected.join("\n  "),
        rendered.join("\n  ")
    );
}

/// Applies `patch` to `doc` and checks the problems found.
fn check_doc(mut doc: Value, patch: impl FnOnce(&mut Value), expected: &[&str]) {
    patch(&mut doc);
    assert_problems(&problems_of_text(&doc.to_string()), expected);
}

fn check(patch: impl FnOnce(&mut Value), expected: &[&str]) {
    check_doc(base(), patch, expected);
}

fn check_scenario(patch: impl FnOnce(&mut Scenario), expected: &[&str]) {
    let mut s = parse_json(&base().to_string()).unwrap();
    patch(&mut s);
    assert_problems(&validate::validate(&s), expected);
}

// ----- parsing -----

#[test]
fn base_scenarios_are_clean() {
    check(|_| {}, &[]);
    check_doc(two_sites(), |_| {}, &[]);
}

#[test]
fn unknown_fields_are_all_listed_with_paths() {
    check(
        |v| {
            v["components"][2]["spec"]["app"]["wokers"] = json!(3);
            v["traffic"]["sesions_per_s"] = json!(3);
            v["colour"] = json!("red");
        },
        &[
            "error colour: unknown field",
            "error components[2].spec.app.wokers: unknown field",
            "error traffic.sesions_per_s: unknown field",
        ],
    );
}

#[test]
fn type_errors_have_paths_and_do_not_hide_each_other() {
    check(
        |v| {
            v["components"][2]["spec"]["app"]["nodes"] = json!("two");
            v["components"][0]["spec"]["load_balancer"]["sticky"] = json!(1);
            v["components"][3]["spec"]["database"]["replicas"][0]["bogus"] = json!(1);
        },
        &[
            "error components[0].spec.load_balancer.sticky: invalid type: integer `1`, expected a boolean",
            "error components[2].spec.app.nodes: invalid type: string \"two\", expected u32",
            "error components[3].spec.database.replicas[0].bogus: unknown field",
        ],
    );
}

#[test]
fn unknown_kinds_and_missing_fields() {
    check(
        |v| v["components"][1]["spec"] = json!({ "webb": {} }),
        &["error components[1].spec: unknown variant `webb`"],
    );
    check(
        |v| {
            v.as_object_mut().unwrap().remove("horizon");
        },
        &["error (root): missing field `horizon`"],
    );
}

#[test]
fn version_is_checked_first() {
    check(
        |v| v["version"] = json!(2),
        &["error version: version 2 was made by a newer Failover Lab"],
    );
    check(
        |v| v["version"] = json!(0),
        &["error version: version 0 is not a Failover Lab scenario version"],
    );
    check(
        |v| {
            v.as_object_mut().unwrap().remove("version");
        },
        &["error version: missing or not a whole number"],
    );
}

#[test]
fn syntax_errors_size_cap_and_non_objects() {
    assert_problems(
        &problems_of_text("{\"version\": 1,"),
        &["error line 1 column 14: not valid JSON"],
    );
    assert_problems(
        &problems_of_text("[1, 2]"),
        &["error (root): a scenario is a JSON object"],
    );
    let huge = format!("{{\"pad\": \"{}\"}}", " ".repeat(5 * 1024 * 1024));
    assert_problems(
        &problems_of_text(&huge),
        &["error (root): scenario is 5242891 bytes; the limit is 4194304 bytes"],
    );
}

// ----- validation: values -----

#[test]
fn invalid_durations_give_the_reason() {
    check(
        |v| {
            v["horizon"] = json!("1 hour");
            v["components"][0]["spec"]["load_balancer"]["health_check"] =
                json!({ "interval": "0s", "timeout": "5w" });
        },
        &[
            "error horizon: `1 hour` is not a duration: missing unit after the number",
            "error components[0].spec.load_balancer.health_check.interval: must be > 0",
            "error components[0].spec.load_balancer.health_check.timeout: `5w` is not a duration: unknown unit `w`",
        ],
    );
}

#[test]
fn numbers_out_of_range() {
    check(
        |v| {
            v["traffic"]["write_share"] = json!(1.5);
            v["traffic"]["sessions_per_s"] = json!(-1);
            v["traffic"]["requests_per_session"] = json!(0.5);
            v["components"][2]["spec"]["app"]["nodes"] = json!(0);
            v["components"][2]["spec"]["app"]["capacity"] = json!({ "workers": 0 });
        },
        &[
            "error traffic.sessions_per_s: must be a finite number ≥ 0, not -1",
            "error traffic.requests_per_session: must be a finite number ≥ 1, not 0.5",
            "error traffic.write_share: must be a share between 0 and 1, not 1.5",
            "error components[2].spec.app.nodes: must be ≥ 1",
            "error components[2].spec.app.capacity.workers: must be ≥ 1",
            "warning components[2].spec.app.sessions: session replication needs at least 2 nodes",
            "warning components[2]: single point of failure: `app` has one node and no spare",
        ],
    );
}

#[test]
fn nan_and_infinity_are_rejected() {
    check_scenario(
        |s| {
            s.traffic.sessions_per_s = f64::NAN;
            s.traffic.idempotent_share = f64::INFINITY;
        },
        &[
            "error traffic.sessions_per_s: must be a finite number ≥ 0, not NaN",
            "error traffic.idempotent_share: must be a share between 0 and 1, not inf",
        ],
    );
}

#[test]
fn duplicate_ids() {
    check(
        |v| {
            v["components"][1]["id"] = json!("lb");
            v["components"][0]["next"] = json!(["lb"]);
        },
        &[
            "error components[1].id: duplicate component id `lb`",
            "error components[0].next[0]: cycle in next: lb → lb",
            "warning components[2]: `app` is unreachable",
            "warning components[3]: `db` is unreachable",
        ],
    );
    check_doc(
        two_sites(),
        |v| v["sites"][1]["id"] = json!("a"),
        &[
            "error sites[1].id: duplicate site id `a`",
            "error site_links[0].b: site `b` does not exist",
            "error components[2].site: site `b` does not exist",
            "error components[3].site: site `b` does not exist",
            "error components[4].spec.database.replicas[0].site: site `b` does not exist",
        ],
    );
}

#[test]
fn dangling_references() {
    check(
        |v| {
            v["traffic"]["entry"] = json!(["lb", "nope"]);
            v["components"][2]["next"] = json!(["db", "cache"]);
            v["faults"] = json!([
                { "crash": { "at": "1m", "target": "ghost" } },
                { "site_outage": { "at": "1m", "site": "mars" } },
                { "blue_green": { "at": "1m", "blue": "app", "green": "app2", "drain": "1m", "deploy": "1m" } }
            ]);
        },
        &[
            "error traffic.entry[1]: component `nope` does not exist",
            "error components[2].next[1]: component `cache` does not exist",
            "error faults[0].crash.target: component `ghost` does not exist",
            "error faults[1].site_outage.site: site `mars` does not exist (the scenario defines no sites)",
            "error faults[2].blue_green.green: component `app2` does not exist",
        ],
    );
    check_doc(
        two_sites(),
        |v| {
            v["site_links"] = json!([{ "a": "a", "b": "c", "latency": "1ms" }]);
            v["components"][4]["spec"]["database"]["replicas"] = json!([{ "site": "z" }]);
            v["faults"] = json!([
                { "partition": { "at": "1m", "a": "a", "b": "a", "component": "dbx" } },
                { "site_switchover": { "at": "1m", "from": "a", "to": "q" } }
            ]);
        },
        &[
            "error site_links[0].b: site `c` does not exist",
            "error components[4].spec.database.replicas[0].site: site `z` does not exist",
            "error faults[0].partition.b: a partition separates two different sites",
            "error faults[0].partition.component: component `dbx` does not exist",
            "error faults[1].site_switchover.to: site `q` does not exist",
        ],
    );
}

#[test]
fn node_indices_in_faults() {
    check(
        |v| {
            v["faults"] = json!([
                { "crash": { "at": "1m", "target": "lb", "node": 2 } },
                { "crash": { "at": "1m", "target": "db", "node": 1 } },
                { "hang": { "at": "1m", "target": "app", "node": 5, "duration": "0s" } }
            ]);
        },
        &[
            "error faults[0].crash.node: node 2 is out of range: `lb` has 2 node(s), numbered 0 to 1",
            "error faults[2].hang.node: node 5 is out of range: `app` has 2 node(s)",
            "error faults[2].hang.duration: must be > 0",
        ],
    );
}

#[test]
fn fault_specific_rules() {
    check(
        |v| {
            v["components"][3]["spec"]["database"]["replicas"] = json!([]);
            v["faults"] = json!([
                { "db_switchover": { "at": "1m", "target": "db" } },
                { "db_switchover": { "at": "1m", "target": "app" } },
                { "error_rate": { "at": "1m", "target": "app", "rate": 2.0 } },
                { "rolling_restart": { "at": "1m", "target": "app", "batch": 2, "drain": "1m", "restart": "1m" } },
                { "corruption": { "at": "1m", "target": "web" } },
                { "dns_failure": { "at": "2h" } },
                { "flapping": { "at": "1m", "target": "web", "down": "1s", "up": "0s", "cycles": 0 } }
            ]);
        },
        &[
            "error faults[0].db_switchover.target: database `db` has no replica to switch to",
            "error faults[1].db_switchover.target: `app` is a app, not a database",
            "error faults[2].error_rate.rate: must be a share between 0 and 1, not 2",
            "error faults[4].corruption.target: `web` is a web: only data stores can be corrupted",
            "error faults[6].flapping.up: must be > 0",
            "error faults[6].flapping.cycles: must be ≥ 1",
            "warning faults[3].rolling_restart.batch: a batch of 2 restarts all 2 node(s) of `app` at once",
            "warning faults[5].dns_failure.at: 2h is at or after the horizon (1h): this fault never happens",
            "warning faults[5].dns_failure: the scenario does not route by DNS",
            "warning components[3]: single point of failure: `db` has no replica",
        ],
    );
}

// ----- validation: the graph -----

#[test]
fn entries_are_required() {
    check(
        |v| v["traffic"]["entry"] = json!([]),
        &["error traffic.entry: needs at least one entry component"],
    );
}

#[test]
fn unreachable_components() {
    check(
        |v| {
            v["components"][2]["next"] = json!([]);
            v["components"][1]["next"] = json!(["db"]);
        },
        &["warning components[2]: `app` is unreachable: no path from traffic.entry through next leads to it, so it gets no traffic"],
    );
}

#[test]
fn cycles() {
    check(
        |v| v["components"][3]["next"] = json!(["web"]),
        &["error components[3].next[0]: cycle in next: web → app → db → web"],
    );
}

#[test]
fn cycles_are_reported_once_each_and_capped() {
    // Issue 13: a 1,000-component chain whose last component lists the first 130,000 times.
    // The old report built the DFS stack's names for every (duplicate) back edge: ~6 GB.
    let n = 1_000;
    let mut components: Vec<Value> = (0..n)
        .map(|i| json!({ "id": format!("c{i}"), "next": [format!("c{}", i + 1)], "spec": { "web": {} } }))
        .collect();
    components[n - 1]["next"] = Value::Array(vec![json!("c0"); 130_000]);
    let doc = json!({
        "version": 1, "name": "chain", "horizon": "1h",
        "traffic": { "entry": ["c0"] }, "components": components
    });
    let got = problems_of_text(&doc.to_string());
    let names: Vec<String> = (0..n).map(|i| format!("c{i}")).collect();
    let cycle = format!("cycle in next: {} → c0", names.join(" → "));
    let rendered: Vec<String> = got.iter().map(render).collect();
    // The repeat, the whole cycle once, and the path too long for a request (1,000 hops > 64).
    assert_eq!(got.len(), 3, "{:.300?}", rendered);
    assert_eq!(
        rendered[0],
        "error components[999].next[1]: `c0` is listed 130000 times"
    );
    assert_eq!(got[1].path, "components[999].next[0]");
    assert!(
        got[1].message == cycle,
        "the whole cycle, once: {:.300}",
        got[1].message
    );
    assert!(rendered[2]
        .starts_with("error components[0].next: a request from `c0` would visit more than 64"));

    // Many distinct cycles: at most MAX_CYCLE_PROBLEMS messages, then a count of the rest.
    // Every component i > 0 of a 100-chain also points back to c0: 99 back edges, 99 cycles.
    let n = 100;
    let components: Vec<Value> = (0..n)
        .map(|i| {
            let mut next = vec![];
            if i + 1 < n {
                next.push(json!(format!("c{}", i + 1)));
            }
            if i > 0 {
                next.push(json!("c0"));
            }
            json!({ "id": format!("c{i}"), "next": next, "spec": { "web": {} } })
        })
        .collect();
    let doc = json!({
        "version": 1, "name": "loops", "horizon": "1h",
        "traffic": { "entry": ["c0"] }, "components": components
    });
    let got = problems_of_text(&doc.to_string());
    assert_eq!(validate::MAX_CYCLE_PROBLEMS, 20);
    // 20 cycles, the count of the rest, and the path (100 hops) too long for a request.
    assert_eq!(got.len(), 22, "{got:#?}");
    // The DFS walks the chain to the end first, so the first cycle closes at c99.
    assert_eq!(got[0].path, "components[99].next[0]");
    assert!(got[..20]
        .iter()
        .all(|p| p.message.starts_with("cycle in next: c0 → c1 → ")));
    assert_eq!(got[20].path, "components");
    assert_eq!(got[20].message, "…and 79 more cycles in next");
    assert!(
        got[21]
            .message
            .contains("would visit more than 64 components"),
        "{:?}",
        got[21]
    );
}

#[test]
fn load_balancer_needs_a_backend() {
    check(
        |v| {
            v["traffic"]["entry"] = json!(["lb", "web"]);
            v["components"][0]["next"] = json!([]);
        },
        &["error components[0].next: a load balancer needs at least one backend component in next"],
    );
}

#[test]
fn single_points_of_failure() {
    check(
        |v| {
            v["components"][0]["spec"]["load_balancer"]["mode"] = json!("single");
            v["components"][1]["spec"]["web"]["nodes"] = json!(1);
            v["components"][3]["spec"]["database"]["replicas"] = json!([]);
        },
        &[
            "warning components[0]: single point of failure: `lb` has one load balancer (mode `single`, no passive partner)",
            "warning components[1]: single point of failure: `web` has one node and no spare",
            "warning components[3]: single point of failure: `db` has no replica",
        ],
    );
    // A spare counts; a one-node cache is not a SPOF when the app also reaches the database.
    check(
        |v| {
            v["components"][1]["spec"]["web"] =
                json!({ "nodes": 1, "redundancy": { "spares": 1, "mode": "cold" } });
            v["components"][2]["next"] = json!(["cache", "db"]);
            v["components"]
                .as_array_mut()
                .unwrap()
                .push(json!({ "id": "cache", "next": ["db"], "spec": { "cache": {} } }));
        },
        &[],
    );
    // The UI highlights the component named in the warning.
    let s = parse_json(&base().to_string().replace("active_passive", "single")).unwrap();
    let spof = validate::validate(&s);
    assert_eq!(spof[0].component.as_deref(), Some("lb"));
}

#[test]
fn parallel_paths_are_not_single_points_of_failure() {
    // Two one-node web servers side by side: losing either leaves a path.
    check(
        |v| {
            v["components"][0]["next"] = json!(["web", "web2"]);
            v["components"][1]["spec"]["web"]["nodes"] = json!(1);
            v["components"]
                .as_array_mut()
                .unwrap()
                .push(json!({ "id": "web2", "next": ["app"], "spec": { "web": { "nodes": 1 } } }));
        },
        &[],
    );
}

#[test]
fn sites_as_single_points_of_failure_and_replica_domains() {
    // Both entries in one site: the site is a SPOF.
    check_doc(
        two_sites(),
        |v| v["components"][2]["site"] = json!("a"),
        &["warning sites[0]: single point of failure: an outage of site `a` cuts every client off"],
    );
    // The replica in the primary's site: a warning, and site a becomes a SPOF (the data tier).
    check_doc(
        two_sites(),
        |v| v["components"][4]["spec"]["database"]["replicas"] = json!([{ "site": "a" }]),
        &[
            "warning components[4].spec.database.replicas[0].site: this replica is in the same site (`a`) as its primary",
            "warning sites[0]: single point of failure: an outage of site `a`",
        ],
    );
    check_doc(
        two_sites(),
        |v| {
            v["components"][1].as_object_mut().unwrap().remove("site");
        },
        &["error components[1].site: missing: the scenario has sites"],
    );
}

#[test]
fn routing_needs_two_sites() {
    check(
        |v| v["routing"] = json!({ "bgp": { "convergence": "10s", "detection": "5s", "active_active": false } }),
        &["warning routing.bgp: BGP routing switches between sites, but the scenario has 0 site(s) and 1 entry component(s)"],
    );
}

// ----- validation: limits -----

#[test]
fn limits() {
    check(
        |v| v["horizon"] = json!("31d"),
        &["error horizon: 31d is too long: the limit is 30d at request level"],
    );
    check(
        |v| {
            v["horizon"] = json!("101y");
            v["fidelity"] = json!("flow");
        },
        &[
            "error horizon: 101y is too long: the limit is 100y at flow level",
            "warning metrics.window: 53085600 windows over the horizon",
        ],
    );
    check(
        |v| {
            v["horizon"] = json!("30d");
            v["traffic"]["sessions_per_s"] = json!(100);
        },
        &["error traffic.sessions_per_s: about 259 million sessions over the horizon at request level; the limit is 50 million"],
    );
    check(
        |v| {
            let many: Vec<Value> = (0..2001)
                .map(|i| json!({ "id": format!("c{i}"), "spec": { "web": {} } }))
                .collect();
            v["components"] = Value::Array(many);
        },
        &["error components: 2001 components; the limit is 2000"],
    );
    check(
        |v| {
            let many: Vec<Value> = (0..10_001)
                .map(|_| json!({ "traffic_spike": { "at": "1m", "factor": 2, "duration": "1m" } }))
                .collect();
            v["faults"] = Value::Array(many);
        },
        &["error faults: 10001 faults; the limit is 10000"],
    );
    check(
        |v| v["components"][2]["spec"]["app"]["nodes"] = json!(5000),
        &["error components[2].spec.app.nodes: 5000 nodes; the limit is 1000 per component"],
    );
}

/// Limits on the work of a run, found by `tests/robust.rs`: inputs that validated but made the
/// engine run for hours (or overflow its counts) are refused with a message instead.
#[test]
fn limits_on_the_work_of_a_run() {
    // the arrival bound multiplies overlapping spikes: 2 × 1e4 × 1e4 × 1h at request level
    check(
        |v| {
            v["traffic"]["sessions_per_s"] = json!(2);
            v["faults"] = json!([
                { "traffic_spike": { "at": "1m", "factor": 1e4, "duration": "1m" } },
                { "traffic_spike": { "at": "1m30s", "factor": 1e4, "duration": "1m" } },
                { "traffic_spike": { "at": "10m", "factor": 1e4, "duration": "1m" } }
            ]);
        },
        &["error traffic.sessions_per_s: a peak of 200000000 new sessions per second, counting overlapping traffic spikes (×100000000.000); the limit at request level is 100000"],
    );
    check(
        |v| {
            v["traffic"]["sessions_per_s"] = json!(20);
            v["faults"] = json!([
                { "traffic_spike": { "at": "1m", "factor": 1000, "duration": "1m" } },
                { "traffic_spike": { "at": "1m30s", "factor": 4, "duration": "1m" } }
            ]);
        },
        &["error traffic.sessions_per_s: about 288 million sessions over the horizon at request level, counting overlapping traffic spikes (×4000.000); the limit is 50 million"],
    );
    // spikes at different times do not multiply
    check(
        |v| {
            let spikes: Vec<Value> = (0..50)
                .map(|m| json!({ "traffic_spike": { "at": format!("{m}m"), "factor": 10, "duration": "30s" } }))
                .collect();
            v["faults"] = Value::Array(spikes);
        },
        &[],
    );
    // a million sessions per second for 10 s: under the session limit, but the µs clock of
    // the arrivals would thin them (1.48 of 2 million at 10^6/s in 2 s)
    check(
        |v| {
            v["horizon"] = json!("10s");
            v["traffic"]["sessions_per_s"] = json!(1e6);
        },
        &["error traffic.sessions_per_s: a peak of 1000000 new sessions per second; the limit at request level is 100000"],
    );
    // a million requests per session: every one of them is an entity
    check(
        |v| v["traffic"]["requests_per_session"] = json!(1e6),
        &["error traffic.requests_per_session: about 3600 million requests over the horizon at request level (sessions × requests per session); the limit is 1000 million"],
    );
    // flow level: counts stay exact floats
    check(
        |v| {
            v["fidelity"] = json!("flow");
            v["horizon"] = json!("100y");
            v["metrics"] = json!({ "window": "1d" });
            v["traffic"]["sessions_per_s"] = json!(1e7);
            v["traffic"]["requests_per_session"] = json!(1e6);
        },
        &["error traffic.sessions_per_s: about 3.15e22 requests over the horizon at flow level"],
    );
    // random failures: 1000 nodes failing every 100 ms for an hour (every second is allowed)
    check(
        |v| {
            v["components"][2]["spec"]["app"]["nodes"] = json!(1000);
            v["components"][2]["failure"] = json!({ "mtbf": "1s", "mttr": "1s" });
        },
        &[],
    );
    check(
        |v| {
            v["components"][2]["spec"]["app"]["nodes"] = json!(1000);
            v["components"][2]["failure"] = json!({ "mtbf": "100ms", "mttr": "1s" });
        },
        &["error components[2].failure.mtbf: about 36 million random failures over the horizon (nodes × horizon / MTBF, all components); the limit is 10 million"],
    );
    // flapping: at most a million cycles in all
    check(
        |v| {
            let f: Vec<Value> = (0..11)
                .map(|_| json!({ "flapping": { "at": "1m", "target": "web", "node": 0, "down": "1us", "up": "1us", "cycles": 100000 } }))
                .collect();
            v["faults"] = Value::Array(f);
        },
        &["error faults[10].flapping.cycles: the flapping faults add up to more than 1000000 cycles"],
    );
    // nodes in all
    check(
        |v| {
            let mut comps: Vec<Value> = (0..21)
                .map(|i| json!({ "id": format!("w{i}"), "next": [format!("w{}", i + 1)], "spec": { "web": { "nodes": 1000 } } }))
                .collect();
            comps.push(json!({ "id": "w21", "spec": { "database": { "replicas": [{}] } } }));
            v["components"] = Value::Array(comps);
            v["traffic"]["entry"] = json!(["w0"]);
        },
        &["error components: 21002 nodes in all; the limit is 20000 over the scenario"],
    );
}

/// What the flow level cannot express is said when the scenario asks for it, with the path.
#[test]
fn flow_level_warns_about_what_it_does_not_model() {
    let patch = |v: &mut Value| {
        v["traffic"]["client_retries"] = json!(2);
        v["components"][2]["next"] = json!(["db", "mq"]);
        v["components"].as_array_mut().unwrap().push(
            json!({ "id": "mq", "spec": { "queue": { "persistent": false, "standby": true } } }),
        );
    };
    check(patch, &[]);
    check(
        |v| {
            patch(v);
            v["fidelity"] = json!("flow");
        },
        &[
            "warning traffic.client_retries: the flow level does not model client retries",
            "warning components[4].spec.queue.persistent: the flow level has no messages in flight",
        ],
    );
}

#[test]
fn validation_is_fast_at_the_fault_limit() {
    // 10,000 traffic spikes: the arrival bound (`Config::spike_max` of the emitted
    // configuration, the engine's own) is judged once, over 20,000 start and end points.
    let mut v = base();
    let spikes: Vec<Value> = (0..10_000)
        .map(|i| json!({ "traffic_spike": { "at": format!("{}s", i / 2), "factor": 1.0001, "duration": "1s" } }))
        .collect();
    v["faults"] = Value::Array(spikes);
    v["horizon"] = json!("2h");
    let problems = problems_of_text(&v.to_string());
    assert!(
        problems.is_empty(),
        "{} problems: {:.300?}",
        problems.len(),
        problems
    );
}

#[test]
fn validation_is_fast_at_the_component_limit() {
    // 2,000 components in a chain: the SPOF analysis is quadratic but bounded, and the only
    // problem is the path, far longer than a request may walk.
    let mut v = base();
    let mut comps: Vec<Value> = (0..1999)
        .map(|i| json!({ "id": format!("c{i}"), "next": [format!("c{}", i + 1)], "spec": { "web": {} } }))
        .collect();
    comps.push(json!({ "id": "c1999", "spec": { "database": { "replicas": [{}] } } }));
    v["components"] = Value::Array(comps);
    v["traffic"]["entry"] = json!(["c0"]);
    let problems = problems_of_text(&v.to_string());
    assert_problems(
        &problems,
        &["error components[0].next: a request from `c0` would visit more than 64 components"],
    );
}

// ----- the built-in library -----

fn shared(s: &Scenario) -> link::Shared {
    link::Shared {
        scenario: s.clone(),
        seed: s.seed,
        engine_version: failover_lab::ENGINE_VERSION.to_string(),
    }
}

#[test]
fn every_builtin_parses_and_validates_without_errors() {
    let expected_warnings: &[(&str, &[&str])] = &[
        (
            "haproxy-single-lb",
            &["warning components[0]: single point of failure: `haproxy`"],
        ),
        (
            "db-sync-vs-async",
            &["warning sites[0]: single point of failure: an outage of site `dc1`"],
        ),
    ];
    for b in builtins::all() {
        let s = parse_json(b.json()).unwrap_or_else(|p| panic!("{}: {p:?}", b.name));
        assert_eq!(s.name, b.name);
        assert_eq!(
            s.description, b.description,
            "{}: description differs",
            b.name
        );
        assert!(!b.seeds.is_empty() && !b.title.is_empty());
        let want = expected_warnings
            .iter()
            .find(|(n, _)| *n == b.name)
            .map(|(_, w)| *w)
            .unwrap_or(&[]);
        assert_problems(&validate::validate(&s), want);
        // Layout: every component placed, every site boxed.
        for c in &s.components {
            assert!(c.pos.is_some(), "{}: {} has no pos", b.name, c.id);
        }
        for site in &s.sites {
            assert!(
                site.rect.is_some(),
                "{}: site {} has no rect",
                b.name,
                site.id
            );
        }
        assert!(std::ptr::eq(builtins::get(b.name).unwrap(), b));
    }
    assert!(builtins::get("nope").is_none());
    for name in [
        "liferay-reference",
        "haproxy-single-lb",
        "redundancy-hot-warm-cold",
        "db-sync-vs-async",
        "keycloak-multisite",
        "zero-downtime-2dc",
        "rolling-maintenance-6",
        "dns-vs-bgp",
    ] {
        assert!(builtins::get(name).is_some(), "{name} missing");
    }
}

#[test]
fn the_haproxy_lb_is_flagged_and_the_reference_pair_is_not() {
    let haproxy = validate::validate(&builtins::get("haproxy-single-lb").unwrap().scenario());
    assert_eq!(haproxy[0].component.as_deref(), Some("haproxy"));
    let reference = validate::validate(&builtins::get("liferay-reference").unwrap().scenario());
    assert!(reference.is_empty(), "{reference:?}");
}

#[test]
fn dns_and_bgp_twins_differ_only_in_routing() {
    let mut dns = builtins::get("dns-vs-bgp").unwrap().scenario();
    let bgp = builtins::get("dns-vs-bgp-bgp").unwrap().scenario();
    assert!(matches!(
        dns.routing,
        failover_lab::scenario::GlobalRouting::Dns { .. }
    ));
    assert!(matches!(
        bgp.routing,
        failover_lab::scenario::GlobalRouting::Bgp { .. }
    ));
    dns.routing = bgp.routing.clone();
    dns.name = bgp.name.clone();
    dns.description = bgp.description.clone();
    dns.expect = bgp.expect.clone();
    assert_eq!(dns, bgp);
}

#[test]
fn table_rows_map_to_fault_entries() {
    let kc = builtins::get("keycloak-multisite").unwrap();
    let kinds: Vec<&str> = kc
        .rows
        .iter()
        .map(|r| kc.scenario().faults[r.fault].kind_name())
        .collect();
    assert_eq!(
        kinds,
        [
            "crash",
            "crash",
            "crash",
            "crash",
            "partition",
            "partition",
            "site_outage"
        ]
    );
    let zd = builtins::get("zero-downtime-2dc").unwrap();
    assert_eq!(
        zd.rows.len(),
        14,
        "seed 004 has 14 rows marked Yes for online applications"
    );
    for b in [kc, zd] {
        let s = b.scenario();
        assert_eq!(b.rows.len(), s.faults.len());
        for (i, row) in b.rows.iter().enumerate() {
            assert_eq!(row.fault, i);
            // Each row alone is a valid scenario with exactly that fault.
            let one = b.scenario_for_row(row);
            assert_eq!(one.faults, vec![s.faults[i].clone()]);
            assert!(
                validate::is_runnable(&validate::validate(&one)),
                "{}",
                row.row
            );
            // Faults are spaced out and inside the horizon.
            assert!(s.faults[i].at().us() < s.horizon.us());
        }
    }
}

// ----- share links -----

#[test]
fn every_builtin_round_trips_through_a_link() {
    println!("built-in link lengths (characters after `#s=`):");
    for b in builtins::all() {
        let s = b.scenario();
        let text = link::encode(&shared(&s));
        println!("  {:<26} {:>5}", b.name, text.len());
        assert!(text.starts_with("v1."));
        let back = link::decode(&text).unwrap();
        assert_eq!(back, shared(&s), "{}", b.name);
        // Also as a full URL and as a fragment.
        let url = format!("https://failover-lab.example/app/?x=1#s={text}");
        assert_eq!(link::decode(&url).unwrap(), shared(&s));
        assert_eq!(link::decode(&format!("#s={text}")).unwrap(), shared(&s));
    }
}

#[test]
fn links_are_short_enough_for_chat() {
    let len = |name: &str| link::encode(&shared(&builtins::get(name).unwrap().scenario())).len();
    let (small, large) = (len("liferay-reference"), len("zero-downtime-2dc"));
    // Under the classic 2,000-character bound of URLs that every tool passes on.
    assert!(small < 1_200, "{small}");
    assert!(large < 2_000, "{large}");
}

#[test]
fn compaction_is_exact_for_partial_nested_defaults() {
    // A load balancer whose capacity differs from LoadBalancer::default() only in `workers`:
    // the other capacity fields equal the *load balancer's* default capacity, not
    // Capacity::default(), so dropping them naively would change the scenario.
    let mut s = parse_json(&base().to_string()).unwrap();
    if let failover_lab::scenario::Spec::LoadBalancer(lb) = &mut s.components[0].spec {
        lb.capacity.workers = 7;
        lb.health_check.deep = true;
    }
    s.traffic.write_share = 0.123_456_789_012_345_67;
    s.seed = u64::MAX;
    s.horizon = Dur::Invalid("later".into());
    let sh = link::Shared {
        scenario: s,
        seed: 42,
        engine_version: "9.9.9".into(),
    };
    assert_eq!(link::decode(&link::encode(&sh)).unwrap(), sh);
    // Defaults are really left out.
    let json = link::payload_json(&sh);
    assert!(json.contains(r#"{"web":{}}"#), "{json}");
    assert!(json.contains(r#""health_check":{"deep":true}"#), "{json}");
    // The LB's capacity keeps the fields that differ from Capacity::default(), which is what a
    // partial `capacity` object is filled from.
    assert!(
        json.contains(r#""capacity":{"queue_limit":10000,"service_time":"200us","workers":7}"#),
        "{json}"
    );
}

fn deflate_link(bytes: &[u8]) -> String {
    let packed = miniz_oxide::deflate::compress_to_vec(bytes, 6);
    let mut text = String::from("v1.");
    text.push_str(&b64(&packed));
    text
}

/// base64url without padding, written independently of the crate's encoder.
fn b64(bytes: &[u8]) -> String {
    const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::new();
    let mut acc = 0u32;
    let mut bits = 0;
    for &b in bytes {
        acc = (acc << 8) | u32::from(b);
        bits += 8;
        while bits >= 6 {
            bits -= 6;
            out.push(A[((acc >> bits) & 63) as usize] as char);
        }
    }
    if bits > 0 {
        out.push(A[((acc << (6 - bits)) & 63) as usize] as char);
    }
    out
}

fn link_err(text: &str) -> String {
    link::decode(text).unwrap_err().0
}

#[test]
fn decoder_errors_are_specific() {
    let good = link::encode(&shared(
        &builtins::get("liferay-reference").unwrap().scenario(),
    ));
    assert_eq!(link_err(""), "the link is empty");
    assert_eq!(link_err("   "), "the link is empty");
    assert!(link_err("hello").contains("should start with `v1.`"));
    assert!(link_err("v2.abc").contains("made by a newer Failover Lab"));
    assert!(link_err("v10.abc").contains("(v10)"));
    assert!(link_err("v1.").contains("no scenario"));
    assert!(link_err("https://x.example/app").contains("no `#s=`"));
    assert!(link_err("https://x.example/app#other=1").contains("no `#s=`"));
    let bad_char = format!("{}!{}", &good[..20], &good[21..]);
    assert_eq!(
        link_err(&bad_char),
        "the link is damaged: character 18 (`!`) is not allowed in a link (position counted after `v1.`)"
    );
    // Truncated: cut in half (as a chat app might), whatever the length modulo 4.
    for end in good.len() / 2..good.len() / 2 + 4 {
        let cut = &good[..end];
        assert!(
            link_err(cut).contains("truncated"),
            "{end}: {}",
            link_err(cut)
        );
    }
    // Not JSON, not a scenario.
    assert!(link_err(&deflate_link(b"hello world")).contains("not JSON"));
    assert!(link_err(&deflate_link(b"[1,2]")).contains("does not hold a scenario"));
    let partial = br#"{"e":"0.1.0","r":1,"s":{"version":1,"name":"x"}}"#;
    let msg = link_err(&deflate_link(partial));
    assert!(
        msg.starts_with(
            "the link holds a scenario this Failover Lab cannot read: missing field `horizon`"
        ),
        "{msg}"
    );
    let newer = br#"{"e":"9.0.0","r":1,"s":{"version":5}}"#;
    assert!(link_err(&deflate_link(newer)).contains("version 5 was made by a newer Failover Lab"));
    assert!(link_err(&deflate_link(&[0xff, 0xfe, 0x00])).contains("not text"));
}

#[test]
fn decoder_refuses_a_deflate_bomb() {
    // 16 MiB of spaces deflates to a few KiB; decompression must stop at the 4 MiB file limit.
    let bomb = vec![b' '; 16 * 1024 * 1024];
    let text = deflate_link(&bomb);
    assert!(text.len() < 100_000, "{}", text.len());
    assert_eq!(
        link_err(&text),
        "the link unpacks to more than 4096 KiB; refusing it"
    );
    // Just under the cap is fine as far as size goes (then it is not a scenario).
    let under = vec![b' '; 4 * 1024 * 1024 - 1];
    assert!(link_err(&deflate_link(&under)).contains("not JSON"));
    // An over-long link text is refused before any decoding.
    let long = format!("v1.{}", "A".repeat(2 * 1024 * 1024));
    assert!(link_err(&long).contains("links are at most"));
}

#[test]
fn tampered_links_never_panic() {
    let good = link::encode(&shared(
        &builtins::get("zero-downtime-2dc").unwrap().scenario(),
    ));
    let alphabet: Vec<char> = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
        .chars()
        .collect();
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let mut errors = 0;
    for _ in 0..2_000 {
        let mut chars: Vec<char> = good.chars().collect();
        // Flip one to four payload characters.
        for _ in 0..=(next() % 4) {
            let i = 3 + (next() as usize) % (chars.len() - 3);
            chars[i] = alphabet[(next() as usize) % 64];
        }
        let text: String = chars.into_iter().collect();
        if let Err(e) = link::decode(&text) {
            assert!(!e.0.is_empty());
            errors += 1;
        }
    }
    assert!(errors > 1_000, "{errors}");
    // Random garbage of every length, including non-ASCII.
    for len in 0..300 {
        let text: String = (0..len)
            .map(|_| char::from_u32((next() % 0x2FF) as u32).unwrap_or('x'))
            .collect();
        let _ = link::decode(&format!("v1.{text}"));
        let payload: String = (0..len).map(|_| alphabet[(next() as usize) % 64]).collect();
        assert!(link::decode(&format!("v1.{payload}")).is_err());
    }
}

#[test]
fn faults_keep_their_kind_names() {
    // The docs and the UI name fault kinds by these strings.
    let s = builtins::get("zero-downtime-2dc").unwrap().scenario();
    let names: Vec<&str> = s.faults.iter().map(Fault::kind_name).collect();
    for kind in [
        "crash",
        "blue_green",
        "rolling_restart",
        "db_switchover",
        "traffic_spike",
        "leak",
        "site_switchover",
    ] {
        assert!(names.contains(&kind), "{kind}");
    }
}

/// Scenarios in which every field serde can write is written: every component kind, every fault
/// kind, every enum variant, every optional field set. Built from full struct literals (no
/// `..Default::default()`), so a field added to `format.rs` fails to compile here until it is
/// added; the generated schema must accept each of them.
fn maximal_examples() -> Vec<Scenario> {
    use failover_lab::scenario::*;
    let cap = || Capacity {
        workers: 3,
        service_time: Dur::millis(7),
        queue_limit: 9,
    };
    let red = |mode| Redundancy {
        mode,
        spares: 1,
        switchover: Dur::secs(3),
        boot: Dur::secs(4),
        manual: Dur::secs(5),
    };
    let hb = Heartbeat {
        interval: Dur::secs(3),
        misses: 4,
    };
    let stoch = |repair| {
        Some(Stochastic {
            mtbf: Dur::days(3),
            mttr: Dur::hours(1),
            repair,
        })
    };
    let comp = |id: &str, spec: Spec, repair| Component {
        id: id.into(),
        name: format!("The {id}"),
        site: Some("a".into()),
        next: vec!["db".into()],
        failure: stoch(repair),
        pos: Some([1, 2]),
        spec,
    };
    let store = Store {
        embedded: true,
        nodes: 3,
        replicas: 2,
        capacity: cap(),
    };
    let components = vec![
        comp(
            "lb",
            Spec::LoadBalancer(LoadBalancer {
                mode: LbMode::ActivePassive,
                algorithm: Algorithm::LeastConnections,
                health_check: HealthCheck {
                    interval: Dur::secs(3),
                    timeout: Dur::secs(2),
                    fall: 4,
                    rise: 5,
                    deep: true,
                },
                sticky: true,
                retry_idempotent: true,
                heartbeat: hb.clone(),
                takeover: Dur::secs(2),
                capacity: cap(),
            }),
            RepairDistribution::Lognormal { sigma: 0.5 },
        ),
        comp(
            "web",
            Spec::Web(Web {
                nodes: 3,
                capacity: cap(),
                redundancy: red(SpareMode::Warm),
            }),
            RepairDistribution::Fixed,
        ),
        comp(
            "app",
            Spec::App(App {
                nodes: 3,
                capacity: cap(),
                sessions: Replication::All,
                replication_cost: 0.2,
                redundancy: red(SpareMode::Cold),
                cross_site: true,
            }),
            RepairDistribution::Exponential,
        ),
        comp(
            "cache",
            Spec::Cache(Cache {
                nodes: 3,
                hit_ratio: 0.5,
                replicated: true,
                capacity: cap(),
                required: true,
            }),
            RepairDistribution::Fixed,
        ),
        comp(
            "queue",
            Spec::Queue(Queue {
                persistent: false,
                standby: true,
                takeover: Dur::secs(2),
                capacity: cap(),
            }),
            RepairDistribution::Fixed,
        ),
        comp(
            "db",
            Spec::Database(Database {
                capacity: cap(),
                replicas: vec![
                    Replica {
                        site: Some("b".into()),
                        standby: Standby::Warm,
                    },
                    Replica {
                        site: None,
                        standby: Standby::Cold,
                    },
                ],
                replication: ReplicationMode::Async,
                lag: Dur::secs(2),
                detection: hb.clone(),
                failover: FailoverMode::Manual,
                manual_response: Dur::mins(3),
                promotion: Dur::secs(3),
                catchup: Dur::secs(4),
                restore: Dur::mins(5),
                backup_interval: Dur::hours(2),
                fence_unreachable: Some(Dur::secs(7)),
            }),
            RepairDistribution::Fixed,
        ),
        comp(
            "search",
            Spec::SearchIndex(store.clone()),
            RepairDistribution::Fixed,
        ),
        comp("docs", Spec::DocStore(store), RepairDistribution::Fixed),
    ];
    let at = Dur::mins(1);
    let d = Some(Dur::mins(2));
    let nf = NodeFault {
        at: at.clone(),
        target: "app".into(),
        node: Some(1),
        duration: d.clone(),
    };
    let faults = vec![
        Fault::Crash(nf.clone()),
        Fault::Hang(nf.clone()),
        Fault::Corruption(nf),
        Fault::ErrorRate(ErrorRate {
            at: at.clone(),
            target: "app".into(),
            node: Some(0),
            rate: 0.5,
            duration: d.clone(),
        }),
        Fault::Latency(AddedLatency {
            at: at.clone(),
            target: "app".into(),
            node: Some(0),
            added: Dur::millis(300),
            duration: d.clone(),
        }),
        Fault::Leak(Leak {
            at: at.clone(),
            target: "app".into(),
            node: Some(0),
            exhaustion: Dur::mins(5),
            restart: Dur::mins(1),
        }),
        Fault::Flapping(Flapping {
            at: at.clone(),
            target: "app".into(),
            node: Some(0),
            down: Dur::secs(5),
            up: Dur::secs(6),
            cycles: 3,
        }),
        Fault::SiteOutage(SiteOutage {
            at: at.clone(),
            site: "a".into(),
            duration: d.clone(),
        }),
        Fault::Partition(Partition {
            at: at.clone(),
            a: "a".into(),
            b: "b".into(),
            one_way: true,
            component: Some("db".into()),
            duration: d.clone(),
        }),
        Fault::TrafficSpike(TrafficSpike {
            at: at.clone(),
            factor: 2.5,
            duration: Dur::mins(3),
        }),
        Fault::DnsFailure(Window {
            at: at.clone(),
            duration: d.clone(),
        }),
        Fault::RollingRestart(RollingRestart {
            at: at.clone(),
            target: "app".into(),
            batch: 1,
            drain: Dur::secs(30),
            restart: Dur::mins(1),
        }),
        Fault::BlueGreen(BlueGreen {
            at: at.clone(),
            blue: "app".into(),
            green: "web".into(),
            drain: Dur::mins(1),
            deploy: Dur::mins(2),
        }),
        Fault::SiteSwitchover(SiteSwitchover {
            at: at.clone(),
            from: "a".into(),
            to: "b".into(),
        }),
        Fault::DbSwitchover(Target {
            at,
            target: "db".into(),
        }),
    ];
    let a = Scenario {
        version: 1,
        name: "maximal".into(),
        description: "every field".into(),
        seed: 9,
        horizon: Dur::hours(2),
        warmup: Some(Dur::mins(5)),
        fidelity: Fidelity::Flow,
        traffic: Traffic {
            entry: vec!["lb".into()],
            sessions_per_s: 3.0,
            session_duration: Dur::mins(3),
            requests_per_session: 4.0,
            write_share: 0.2,
            idempotent_share: 0.9,
            timeout: Dur::secs(4),
            client_retries: 2,
            retry_delay: Dur::secs(3),
            profile: Profile::Daily {
                peak: 2.0,
                trough: 0.5,
                peak_at: Dur::hours(14),
            },
        },
        routing: GlobalRouting::Dns {
            ttl: Dur::mins(5),
            detection: Dur::secs(30),
            stale_share: 0.1,
            stale_for: Dur::days(1),
            active_active: true,
        },
        sites: vec![
            Site {
                id: "a".into(),
                name: "Site A".into(),
                kind: SiteKind::Regional,
                rect: Some([0, 0, 10, 10]),
            },
            Site {
                id: "b".into(),
                name: "Site B".into(),
                kind: SiteKind::Zonal,
                rect: Some([0, 20, 10, 10]),
            },
        ],
        site_links: vec![SiteLink {
            a: "a".into(),
            b: "b".into(),
            latency: Dur::millis(3),
        }],
        components,
        faults,
        metrics: MetricsSettings {
            window: Dur::secs(30),
            success_threshold: 0.95,
        },
        expect: vec![Expect {
            metric: ExpectMetric::WorstRtoS,
            is: Comparison::AtMost,
            value: 60.0,
        }],
        slo: Some(Slo {
            availability: Some(0.999),
            max_lost_writes: Some(0),
            max_rpo: Some(Dur::secs(5)),
            max_rto: Some(Dur::mins(5)),
            max_lost_sessions: Some(100),
            probability: 0.9,
        }),
    };
    let mut b = a.clone();
    b.routing = GlobalRouting::Bgp {
        convergence: Dur::secs(20),
        detection: Dur::secs(5),
        active_active: false,
    };
    b.traffic.profile = Profile::Steps(vec![Step {
        at: Dur::mins(10),
        factor: 2.0,
    }]);
    vec![a, b]
}

#[test]
fn schema_is_generated_from_the_format_types() {
    let generated = schema::generate();
    if std::env::var_os("UPDATE_SCHEMA").is_some() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(schema::PATH);
        std::fs::write(&path, &generated).expect("write the schema");
        return;
    }
    assert!(
        generated == schema::COMMITTED,
        "{} differs from the schema generated from src/scenario/format.rs; regenerate it with\n    UPDATE_SCHEMA=1 cargo test --test scenario schema",
        schema::PATH
    );
}

fn validator() -> jsonschema::Validator {
    let root: Value = serde_json::from_str(schema::COMMITTED).expect("schema is JSON");
    jsonschema::validator_for(&root).expect("a valid JSON Schema")
}

fn schema_errors(v: &jsonschema::Validator, doc: &Value) -> Vec<String> {
    v.iter_errors(doc)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}

#[test]
fn schema_accepts_every_builtin_the_docs_example_and_the_maximal_examples() {
    let v = validator();
    for b in builtins::all() {
        let doc: Value = serde_json::from_str(b.json()).unwrap();
        assert_eq!(schema_errors(&v, &doc), Vec::<String>::new(), "{}", b.name);
    }
    let text = include_str!("../docs/scenario-format.md");
    let start = text.find("```json\n").expect("an example") + "```json\n".len();
    let end = start + text[start..].find("\n```").unwrap();
    let doc: Value = serde_json::from_str(&text[start..end]).unwrap();
    assert_eq!(
        schema_errors(&v, &doc),
        Vec::<String>::new(),
        "docs example"
    );
    for (i, s) in maximal_examples().iter().enumerate() {
        let doc = serde_json::to_value(s).unwrap();
        assert_eq!(
            schema_errors(&v, &doc),
            Vec::<String>::new(),
            "maximal example {i}"
        );
    }
}

#[test]
fn schema_rejects_wrong_documents() {
    let v = validator();
    type Patch = fn(&mut Value);
    let wrong: [(&str, Patch); 9] = [
        ("unknown top-level field", |d| d["colour"] = json!("red")),
        ("unknown nested field", |d| {
            d["components"][2]["spec"]["app"]["capacity"]["threads"] = json!(4)
        }),
        ("duration without unit", |d| d["horizon"] = json!("60")),
        ("duration with unknown unit", |d| d["horizon"] = json!("5w")),
        ("unknown component kind", |d| {
            d["components"][0]["spec"] = json!({ "mainframe": {} })
        }),
        ("unknown enum variant", |d| {
            d["components"][2]["spec"]["app"]["sessions"] = json!("teleport")
        }),
        ("share above 1", |d| {
            d["traffic"]["write_share"] = json!(1.5)
        }),
        ("missing required field", |d| {
            d.as_object_mut().unwrap().remove("horizon");
        }),
        ("fault without its time", |d| {
            d["faults"] = json!([{ "crash": { "target": "app" } }])
        }),
    ];
    assert!(schema_errors(&v, &base()).is_empty());
    for (what, patch) in wrong {
        let mut doc = base();
        patch(&mut doc);
        assert!(!schema_errors(&v, &doc).is_empty(), "accepted: {what}");
        // serde (with the unknown-field listing of `parse_json`) refuses it too, or validation
        // does: the schema says nothing the loader does not.
        assert!(
            !validate::is_runnable(&problems_of_text(&doc.to_string())),
            "loads: {what}"
        );
    }
}

#[test]
fn schema_lookups_for_the_form() {
    let root = schema::committed();
    let f = |p: &str| schema::field_at(root, p).unwrap_or_else(|| panic!("{p}"));
    assert_eq!(f("horizon").kind, schema::FieldShape::Duration);
    assert_eq!(f("traffic.timeout").default, Some(json!("10s")));
    assert_eq!(f("traffic.write_share").kind, schema::FieldShape::Share);
    assert_eq!(
        f("components[2].spec.app.sessions").kind,
        schema::FieldShape::Enum(vec!["none".into(), "buddy".into(), "all".into()])
    );
    assert_eq!(
        f("components[0].spec.load_balancer.mode").kind,
        schema::FieldShape::Enum(vec!["single".into(), "active_passive".into()])
    );
    let workers = f("components[0].spec.web.capacity.workers");
    assert_eq!(workers.kind, schema::FieldShape::Integer);
    assert_eq!(workers.unit, "concurrent requests / node");
    assert_eq!(
        workers.description.as_deref(),
        Some("Requests served at once per node.")
    );
    assert_eq!(
        f("faults[0].crash.duration").kind,
        schema::FieldShape::Duration
    );
    assert_eq!(
        f("components[3].spec.database.replicas[0].standby").kind,
        schema::FieldShape::Enum(vec!["hot".into(), "warm".into(), "cold".into()])
    );
    assert_eq!(
        schema::variants_at(root, "routing"),
        ["single", "dns", "bgp"]
    );
    assert_eq!(
        schema::variants_at(root, "traffic.profile"),
        ["constant", "daily", "steps"]
    );
    assert!(schema::field_at(root, "traffic.nonsense").is_none());
    assert_eq!(
        schema::optional_fields(root, "faults[0].crash"),
        ["duration", "node"]
    );
    assert_eq!(
        schema::optional_fields(root, "faults[0].partition"),
        ["component", "duration", "one_way"]
    );
    assert!(schema::optional_fields(root, "faults[0].traffic_spike").is_empty());
}

#[test]
fn the_documented_example_is_a_valid_scenario() {
    let doc = include_str!("../docs/scenario-format.md");
    let start = doc.find("```json\n").expect("an example") + "```json\n".len();
    let end = start + doc[start..].find("\n```").unwrap();
    let s = parse_json(&doc[start..end]).unwrap();
    assert!(validate::is_runnable(&validate::validate(&s)));
    assert_eq!(s, builtins::get("keycloak-multisite").unwrap().scenario());
    // The documented limits are the enforced ones.
    assert_eq!(validate::MAX_COMPONENTS, 2_000);
    assert_eq!(validate::MAX_FAULTS, 10_000);
    assert!(doc.contains("| components | 2,000 |") && doc.contains("| faults | 10,000 |"));
    assert_eq!(validate::MAX_REQUESTS_REQUEST, 1e9);
    assert_eq!(validate::MAX_RATE_REQUEST, 1e5);
    assert!(doc.contains("| 100,000 |"));
    assert_eq!(validate::MAX_RANDOM_FAILURES, 1e7);
    assert_eq!(validate::MAX_TOTAL_NODES, 20_000);
    assert_eq!(validate::MAX_FLAPPING_CYCLES, 1_000_000);
    assert!(doc.contains("| 1,000 million |") && doc.contains("| 10 million |"));
    assert!(doc.contains("| 20,000 |") && doc.contains("| 100,000; 1,000,000 |"));
}

#[test]
fn validation_never_panics_on_mutated_builtins() {
    // Replace every leaf of every built-in, one at a time, with awkward values; parse and
    // validate must report, never panic.
    let awkward = [
        json!(0),
        json!(-1),
        json!(4_294_967_295u64),
        json!(1e308),
        json!(""),
        json!("0s"),
        json!("99999999999999y"),
        json!("nope"),
        json!(null),
        json!([]),
    ];
    fn leaves(v: &Value, path: &mut Vec<Value>, out: &mut Vec<Vec<Value>>) {
        match v {
            Value::Object(m) => {
                for (k, x) in m {
                    path.push(json!(k));
                    leaves(x, path, out);
                    path.pop();
                }
            }
            Value::Array(a) => {
                for (i, x) in a.iter().enumerate() {
                    path.push(json!(i));
                    leaves(x, path, out);
                    path.pop();
                }
            }
            _ => out.push(path.clone()),
        }
    }
    let mut runs = 0;
    for b in builtins::all() {
        let doc: Value = serde_json::from_str(b.json()).unwrap();
        let mut paths = Vec::new();
        leaves(&doc, &mut Vec::new(), &mut paths);
        for path in &paths {
            for value in &awkward {
                let mut d = doc.clone();
                let mut at = &mut d;
                for part in path {
                    at = match part {
                        Value::String(k) => &mut at[k.as_str()],
                        Value::Number(n) => &mut at[n.as_u64().unwrap() as usize],
                        _ => unreachable!(),
                    };
                }
                *at = value.clone();
                let _ = problems_of_text(&d.to_string());
                runs += 1;
            }
        }
    }
    assert!(runs > 1_000, "{runs}");
}

#[test]
fn haproxy_and_reference_share_the_load_balancer_crash() {
    // The acceptance pair: the same LB crash is an outage in one and absorbed in the other.
    let crash_of = |name: &str, lb: &str| {
        let s = builtins::get(name).unwrap().scenario();
        s.faults
            .iter()
            .find_map(|f| match f {
                Fault::Crash(c) if c.target == lb => Some((c.at.clone(), c.duration.clone())),
                _ => None,
            })
            .unwrap()
    };
    assert_eq!(
        crash_of("haproxy-single-lb", "haproxy"),
        crash_of("liferay-reference", "lb")
    );
}

/// `base` with `k` more web tiers between `web` and `app`: a path of 4 + k hops.
fn chain(k: usize) -> Value {
    let mut doc = base();
    let comps = doc["components"].as_array_mut().unwrap();
    comps[1]["next"] = json!(["w0"]);
    for i in 0..k {
        let next = if i + 1 == k {
            "app".to_string()
        } else {
            format!("w{}", i + 1)
        };
        comps.push(
            json!({ "id": format!("w{i}"), "next": [next], "spec": { "web": { "nodes": 2 } } }),
        );
    }
    if k == 0 {
        comps[1]["next"] = json!(["app"]);
    }
    doc
}

/// A request walks at most 64 hops: a longer path is refused with its entry, never cut short
/// (a cut path would silently drop the components past hop 64, and their faults with them).
#[test]
fn paths_longer_than_the_hop_limit_are_refused() {
    let limit = failover_lab::sim::limits::MAX_HOPS;
    assert_problems(&problems_of_text(&chain(limit - 4).to_string()), &[]);
    assert_problems(
        &problems_of_text(&chain(limit - 3).to_string()),
        &["error components[0].next: a request from `lb` would visit more than 64 components"],
    );
}

/// The format page documents every fault kind (with its parameters, from the schema) and every
/// component kind: the table is the one place a new kind is not pointed out by the compiler.
#[test]
fn every_fault_and_component_kind_is_documented() {
    use strum::IntoEnumIterator;
    let doc = include_str!("../docs/scenario-format.md");
    let schema = schema::committed();
    for k in failover_lab::scenario::FaultKind::iter() {
        let name: &str = k.into();
        let row = doc
            .lines()
            .find(|l| l.starts_with(&format!("| `{name}` |")))
            .unwrap_or_else(|| panic!("docs/scenario-format.md has no row for fault `{name}`"));
        for field in schema::fields(schema, &format!("faults[0].{name}")) {
            if field != "at" {
                assert!(
                    row.contains(&format!("`{field}")),
                    "`{name}` row lacks `{field}`"
                );
            }
        }
    }
    for k in failover_lab::scenario::ComponentKind::iter() {
        let name: &str = k.into();
        assert!(
            doc.lines()
                .any(|l| l.starts_with("| `") && l.contains(&format!("`{name}`"))),
            "docs/scenario-format.md has no row for component kind `{name}`"
        );
    }
}

#[test]
fn objectives_are_checked_where_they_are_written() {
    let mut doc = base();
    doc["slo"] = json!({ "availability": 0.999, "max_rpo": "5s", "probability": 0.9 });
    assert_problems(&problems_of_text(&doc.to_string()), &[]);
    doc["slo"] =
        json!({ "availability": 0.0, "max_rpo": "0s", "max_rto": "soon", "probability": 2 });
    assert_problems(
        &problems_of_text(&doc.to_string()),
        &[
            "error slo.availability: must be a share above 0",
            "error slo.probability: must be a probability above 0",
            "error slo.max_rpo: must be > 0",
            "error slo.max_rto: `soon` is not a duration",
        ],
    );
    doc["slo"] = json!({});
    assert_problems(
        &problems_of_text(&doc.to_string()),
        &["warning slo: no objective is set"],
    );
}
