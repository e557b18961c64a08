#!/usr/bin/env python3
"""SimPy twin of the Failover Lab request-level benchmark model (bench/model.json).

Reads the same scenario file and builds the same open queueing network: Poisson arrivals of
one-request sessions; a chain of stations following `next` from the entry (load balancer: one
node; web/app tiers: `nodes` nodes chosen round robin; database: one node); each node is an
M/M/c/K station (`workers` servers, exponential `service_time`, at most `queue_limit` waiting,
FIFO; a request arriving at a full queue fails with `overload`); a request still waiting when
its age exceeds the client timeout fails on dequeue, and one finishing later than the timeout
fails too (as in the engine). No faults.

It counts the same model events as the engine (one per session arrival and one per completed
service) and prints one JSON object: wall time, events, events/s, simulated seconds per wall
second (wall and CPU time), and the key figures with standard errors from batch means (30 batches by arrival time).

Usage: simpy_twin.py [--model bench/model.json] [--horizon SECONDS] [--seed N]
The horizon defaults to 120 simulated seconds (the engine's run is longer; compare rates).
"""

import argparse
import json
import math
import random
import re
import sys
import time

import simpy

UNITS = {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0, "y": 365 * 86400.0}
DEFAULT_CAPACITY = {
    "load_balancer": (2000, "200us", 10000),
    "web": (200, "2ms", 500),
    "app": (50, "20ms", 200),
    "database": (100, "5ms", 1000),
}
BATCHES = 30


def seconds(text):
    """A duration string of the scenario format ("1h30m", "200us") in seconds."""
    total, pos = 0.0, 0
    for m in re.finditer(r"(\d+(?:\.\d+)?)(us|ms|s|m|h|d|y)", text):
        if m.start() != pos:
            break
        total += float(m.group(1)) * UNITS[m.group(2)]
        pos = m.end()
    if pos != len(text) or pos == 0:
        raise ValueError(f"not a duration: {text!r}")
    return total


class Station:
    """One component: its nodes (SimPy resources), round-robin choice, queue limit, statistics."""

    def __init__(self, env, comp):
        (kind, spec), = comp["spec"].items()
        if kind not in DEFAULT_CAPACITY:
            raise SystemExit(f"simpy_twin: component kind `{kind}` is not part of the twin")
        workers, service, limit = DEFAULT_CAPACITY[kind]
        cap = spec.get("capacity", {})
        self.id = comp["id"]
        self.workers = int(cap.get("workers", workers))
        self.mean = seconds(cap.get("service_time", service))
        self.limit = int(cap.get("queue_limit", limit))
        n = int(spec.get("nodes", 2)) if kind in ("web", "app") else 1
        self.nodes = [simpy.Resource(env, capacity=self.workers) for _ in range(n)]
        self.rr = 0
        self.served = 0
        self.wait_sum = 0.0
        self.batch_wait = [0.0] * BATCHES
        self.batch_n = [0] * BATCHES

    def pick(self):
        node = self.nodes[self.rr % len(self.nodes)]
        self.rr += 1
        return node


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default="bench/model.json")
    ap.add_argument("--horizon", type=float, default=120.0, help="simulated seconds")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()

    sc = json.load(open(args.model))
    if sc.get("faults"):
        raise SystemExit("simpy_twin: the twin models no faults")
    tr = sc["traffic"]
    if float(tr.get("requests_per_session", 20)) != 1:
        raise SystemExit("simpy_twin: the twin models one request per session")
    rate = float(tr.get("sessions_per_s", 1))
    timeout = seconds(tr.get("timeout", "10s"))
    comps = {c["id"]: c for c in sc["components"]}

    rng = random.Random(args.seed)
    expo = rng.expovariate
    env = simpy.Environment()
    chain, cur = [], tr["entry"][0]
    while True:
        chain.append(Station(env, comps[cur]))
        nxt = comps[cur].get("next", [])
        if not nxt:
            break
        if len(nxt) != 1:
            raise SystemExit("simpy_twin: the twin models a chain (one `next` per component)")
        cur = nxt[0]

    horizon = args.horizon
    batch_len = horizon / BATCHES
    st = {"events": 0, "offered": 0, "served": 0, "failed": 0, "overload": 0, "timeout": 0,
          "lat_sum": 0.0}
    batch_lat = [0.0] * BATCHES
    batch_n = [0] * BATCHES

    def request(start):
        b = min(int(start / batch_len), BATCHES - 1)
        for s in chain:
            node = s.pick()
            if node.count >= node.capacity and len(node.queue) >= s.limit:
                st["overload"] += 1
                return fail()
            queued = env.now
            with node.request() as rq:
                yield rq
                if env.now - start > timeout:
                    st["timeout"] += 1
                    return fail()
                w = env.now - queued
                s.wait_sum += w
                s.served += 1
                s.batch_wait[b] += w
                s.batch_n[b] += 1
                yield env.timeout(expo(1.0 / s.mean))
            st["events"] += 1  # the service completion
        lat = env.now - start
        if lat > timeout:
            st["timeout"] += 1
            return fail()
        st["offered"] += 1
        st["served"] += 1
        st["lat_sum"] += lat
        batch_lat[b] += lat
        batch_n[b] += 1

    def fail():
        st["offered"] += 1
        st["failed"] += 1

    def arrivals():
        while True:
            yield env.timeout(expo(rate))
            st["events"] += 1  # the session arrival
            env.process(request(env.now))

    env.process(arrivals())
    t0, c0 = time.perf_counter(), time.process_time()
    env.run(until=horizon)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0

    def mean_se(sums, counts, scale):
        means = [s / n for s, n in zip(sums, counts) if n]
        if len(means) < 2:
            return 0.0, 0.0
        m = sum(means) / len(means)
        var = sum((x - m) ** 2 for x in means) / (len(means) - 1)
        return m * scale, math.sqrt(var / len(means)) * scale

    lat_mean, lat_se = mean_se(batch_lat, batch_n, 1000.0)
    out = {
        "engine": f"SimPy {simpy.__version__} on Python {sys.version.split()[0]}",
        "horizon_s": horizon,
        "seed": args.seed,
        "wall_s": wall,
        "events": st["events"],
        "events_per_s": st["events"] / wall,
        "sim_s_per_wall_s": horizon / wall,
        "cpu_s": cpu,
        "events_per_cpu_s": st["events"] / cpu,
        "sim_s_per_cpu_s": horizon / cpu,
        "offered": st["offered"],
        "served": st["served"],
        "failed": st["failed"],
        "failed_overload": st["overload"],
        "failed_timeout": st["timeout"],
        "availability": st["served"] / st["offered"] if st["offered"] else 1.0,
        "served_per_s": st["served"] / horizon,
        "mean_latency_ms": st["lat_sum"] / st["served"] * 1000.0 if st["served"] else 0.0,
        "mean_latency_ms_se": lat_se,
        "batch_mean_latency_ms": lat_mean,
        "components": [],
    }
    for s in chain:
        wm, wse = mean_se(s.batch_wait, s.batch_n, 1000.0)
        out["components"].append({
            "id": s.id,
            "nodes": len(s.nodes),
            "served": s.served,
            "mean_wait_ms": s.wait_sum / s.served * 1000.0 if s.served else 0.0,
            "mean_wait_ms_se": wse,
        })
    print(json.dumps(out))


if __name__ == "__main__":
    main()
