//! The built-in scenario library, built from the seeds: named scenarios loadable from the UI and
//! by `failover-lab run --builtin NAME`, each teaching one lesson from one or more seed documents.
//!
//! The JSON files in `builtins/` are compiled in with `include_str!`; tests check that each one
//! parses, validates without errors, round-trips through a share link and that its description
//! here matches the one inside the scenario.

use super::Scenario;

/// A named built-in scenario.
pub struct Builtin {
    pub name: &'static str,
    pub title: &'static str,
    /// What it teaches, in one paragraph.
    pub description: &'static str,
    /// Which seed documents it comes from, e.g. `["000", "001"]`.
    pub seeds: &'static [&'static str],
    /// The rows of the seed's table this scenario reproduces, each mapped to the fault that
    /// injects it (an index into `faults`); empty for scenarios that reproduce no table.
    pub rows: &'static [Row],
    json: &'static str,
}

/// One row of a seed's failure or event table and the fault entry that plays it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Row {
    /// The row's first column, as the seed words it.
    pub row: &'static str,
    /// Index into the scenario's `faults`.
    pub fault: usize,
}

impl Builtin {
    /// The scenario (built-ins are checked by a test to parse and validate).
    pub fn scenario(&self) -> Scenario {
        super::parse_json(self.json).unwrap_or_else(|_| unreachable_builtin(self.name))
    }

    /// The scenario's JSON as shipped.
    pub fn json(&self) -> &'static str {
        self.json
    }

    /// The scenario with only the fault of one table row (for row-by-row acceptance tests).
    pub fn scenario_for_row(&self, row: &Row) -> Scenario {
        let mut s = self.scenario();
        let fault = s.faults.get(row.fault).cloned();
        s.faults = fault.into_iter().collect();
        s
    }
}

#[cold]
fn unreachable_builtin(name: &str) -> Scenario {
    // Built-ins are fixed at compile time and covered by tests; reaching this is a bug.
    panic!("built-in scenario `{name}` does not parse")
}

const ALL: &[Builtin] = &[
    Builtin {
        name: "liferay-reference",
        title: "Liferay reference architecture",
        description: "Liferay's reference architecture for one data center (seeds 000, 001): an active/passive load-balancer pair with a virtual IP, two web servers, a two-node app cluster with sticky sessions and buddy session replication, and a clustered database. An app node crashes at 20m and the active load balancer at 40m: neither loses a session or a write (buddy replication keeps the sessions, the passive balancer takes over the virtual IP), but each costs seconds of failed requests: the crashed node's sticky users until the health checks mark it down, everyone until the takeover.",
        seeds: &["000", "001"],
        rows: &[],
        json: include_str!("builtins/liferay-reference.json"),
    },
    Builtin {
        name: "haproxy-single-lb",
        title: "One HAProxy: a single point of failure",
        description: "The smaller setup of seed 001: one HAProxy is both load balancer and reverse proxy in front of a two-node app cluster. It works until the HAProxy fails: validation flags it as a single point of failure. An app node's crash at 20m costs seconds of failed requests (until the health checks mark it down), but the same load-balancer crash at 40m that liferay-reference absorbs in seconds here stops the whole service for five minutes.",
        seeds: &["001"],
        rows: &[],
        json: include_str!("builtins/haproxy-single-lb.json"),
    },
    Builtin {
        name: "redundancy-hot-warm-cold",
        title: "Hot, warm and cold spares",
        description: "Seed 002's three redundancy modes side by side: every request passes three services, each one node plus one spare; the spare is hot (it serves all the time), warm (running idle, takes over after detection plus a 30s switch-over) or cold (powered off: detection, 5m boot and 15m of manual work). The serving node of each service crashes in turn (10m, 40m, 1h10m); compare the three incidents' RTO and failed requests: seconds for the hot spare, about half a minute more for the warm one, over twenty minutes for the cold one. Without session replication, the crashes also lose users' sessions.",
        seeds: &["002"],
        rows: &[],
        json: include_str!("builtins/redundancy-hot-warm-cold.json"),
    },
    Builtin {
        name: "db-sync-vs-async",
        title: "Database replication: sync vs async",
        description: "Seed 002's hot standby (synchronous replication) against its warm standby (asynchronous): the app writes to two databases whose replicas sit in a second data center 10ms away. Every write to the synchronous one waits for the far replica (higher write latency) but its primary crash at 20m loses nothing; the asynchronous one is faster, and its primary crash at 50m loses the writes inside its 2s lag window and waits for the catch-up before promotion. Both crashes fail requests until a replica is promoted, within a minute.",
        seeds: &["002"],
        rows: &[],
        json: include_str!("builtins/db-sync-vs-async.json"),
    },
    Builtin {
        name: "keycloak-multisite",
        title: "Keycloak across two sites",
        description: "Seed 003's Keycloak multi-site deployment: two sites close together, each with a load balancer whose deep /lb-check fails when the site's Keycloak or Data Grid is unhealthy, Keycloak nodes, an external Data Grid (session cache) replicated synchronously to the other site, and one database replicated synchronously across the sites. The fault schedule injects the seed's failure table row by row, ten minutes apart: database node, Keycloak node, Data Grid node, Data Grid cluster, cross-site connectivity of the Data Grid, of the database, and a whole site. Each row costs some failed requests, but no row loses a write or a session, and each recovers within seconds to a minute.",
        seeds: &["003"],
        rows: &[
            Row { row: "Database node", fault: 0 },
            Row { row: "Keycloak node", fault: 1 },
            Row { row: "Data Grid node", fault: 2 },
            Row { row: "Data Grid cluster failure", fault: 3 },
            Row { row: "Connectivity Data Grid", fault: 4 },
            Row { row: "Connectivity database", fault: 5 },
            Row { row: "Site failure", fault: 6 },
        ],
        json: include_str!("builtins/keycloak-multisite.json"),
    },
    Builtin {
        name: "zero-downtime-2dc",
        title: "Zero downtime with two data centers",
        description: "Seed 004's zero-downtime architecture: two data centers announcing the same addresses by BGP, redundant uplinks and firewalls, load-balancer pairs, web farms, two application clusters with session replication per data center (for downtime-free deployments), and a RAC-like database replicated to the other data center. The fault schedule plays every row of the seed's event table marked \"Yes\" for online applications, fifteen minutes apart; with the documented client retry, online availability stays at 100%: no request fails and no session is lost.",
        seeds: &["004"],
        rows: &[
            Row { row: "Failure or maintenance of an internet uplink/router/switch", fault: 0 },
            Row { row: "Failure or maintenance of a firewall node, load balancer node or a network component", fault: 1 },
            Row { row: "Failure or maintenance of a webserver node", fault: 2 },
            Row { row: "Failure or maintenance of an application server node", fault: 3 },
            Row { row: "Failure or maintenance of a database node", fault: 4 },
            Row { row: "New application deployment", fault: 5 },
            Row { row: "Upgrade of operating system", fault: 6 },
            Row { row: "Upgrade of an arbitrary middleware software", fault: 7 },
            Row { row: "Upgrade of database software", fault: 8 },
            Row { row: "Overload of processing nodes", fault: 9 },
            Row { row: "Failure of a single JVM", fault: 10 },
            Row { row: "Failure of a node due to leak of system resources", fault: 11 },
            Row { row: "Switchover of a datacenter: switching only one application (group)", fault: 12 },
            Row { row: "Switchover of a datacenter: switching all applications", fault: 13 },
        ],
        json: include_str!("builtins/zero-downtime-2dc.json"),
    },
    Builtin {
        name: "rolling-maintenance-6",
        title: "Rolling maintenance of a six-node cluster",
        description: "Seed 000's maintenance pattern: a six-node cluster is updated in two halves (nodes 1-3, then 4-6) while the other half carries the traffic, outside peak hours. Each half is drained before it goes down, so its replicated sessions move to the other half, which has the capacity to carry the traffic: no request fails and no session is lost, even for sessions whose primary and buddy sit in the same half.",
        seeds: &["000"],
        rows: &[],
        json: include_str!("builtins/rolling-maintenance-6.json"),
    },
    Builtin {
        name: "dns-vs-bgp",
        title: "Site switch-over by DNS",
        description: "Seed 004's warning that DNS is for load balancing, not for high availability: data center 1 fails at 20m and a health-checked DNS withdraws its record after 30s, but clients keep the cached answer for the 5m TTL and 5% of them (JVMs caching forever) keep the dead address for the rest of the run. Thousands of requests fail, the sessions held in data center 1 are lost, and the stale clients keep the incident open until data center 1 is back an hour later. Load dns-vs-bgp-bgp, the same scenario switched by BGP, and compare the failed requests and the RTO.",
        seeds: &["004"],
        rows: &[],
        json: include_str!("builtins/dns-vs-bgp.json"),
    },
    Builtin {
        name: "dns-vs-bgp-bgp",
        title: "Site switch-over by BGP",
        description: "The twin of dns-vs-bgp (seed 004): the same data-center failure at 20m, but both data centers announce the same addresses by BGP, so once the failure is detected (30s) routes converge in 30s and every client reaches data center 2, with no client-side caching to wait out: the incident lasts about a minute, though the sessions held in data center 1 are still lost.",
        seeds: &["004"],
        rows: &[],
        json: include_str!("builtins/dns-vs-bgp-bgp.json"),
    },
    Builtin {
        name: "two-site-planning",
        title: "Two sites for a year: a design to plan with",
        description: "A two-site design to plan with (seed 004's active/active data centers at a larger scale): per site a load-balancer pair, a web tier, an API cluster with buddy session replication calling an auth service, a cache, a search index, a document store, the orders database and a message queue with a standby whose workers write to a ledger database; the orders database has a synchronous hot standby in the other site, the ledger an asynchronous warm one; BGP announces both sites. There are no scripted faults: every component fails at random (MTBF 90 days and MTTR 2 hours per node, databases 180 days and 4 hours, assumptions), so one year's run shows dozens of short incidents — a node marked down by health checks within seconds, a balancer pair's takeover in 4 s, a database promotion — and the ledger's asynchronous standby loses the writes of its lag window each time its primary fails. It is meant for studies: run many years to see how available the design is, how sure that is, and which of its objectives (the slo section: 99.99 % of requests, no lost write, recovery within 5 minutes, in 90 % of years) hold; `failover-lab exact` gives the long-run values beside them.",
        seeds: &["004"],
        rows: &[],
        json: include_str!("builtins/two-site-planning.json"),
    },
];

pub fn all() -> &'static [Builtin] {
    ALL
}

pub fn get(name: &str) -> Option<&'static Builtin> {
    ALL.iter().find(|b| b.name == name)
}
