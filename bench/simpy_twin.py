"""SimPy twin of Failover Lab's `bench-twin` model, run by `failover-lab bench`.

Same workload as the Rust request level: Poisson sessions, a geometric number of requests per
session (mean R, one every D/R after the previous answer), LB -> 4 web (round robin) -> 4 app
(sticky, buddy replication cost 5 %) -> database, each node an M/M/c/K station.
Usage: python3 simpy_twin.py HORIZON_S SESSIONS_PER_S SEED
Prints one JSON line: requests, served, failed, mean latency (ms), wall time (s).
"""
import json
import random
import sys
import time

import simpy

HORIZON = float(sys.argv[1]) if len(sys.argv) > 1 else 60.0
RATE = float(sys.argv[2]) if len(sys.argv) > 2 else 200.0
SEED = int(sys.argv[3]) if len(sys.argv) > 3 else 1
R = 20.0
D = 300.0

rng = random.Random(SEED)
env = simpy.Environment()


class Node:
    def __init__(self, workers, service, queue_limit):
        self.res = simpy.Resource(env, capacity=workers)
        self.service = service
        self.queue_limit = queue_limit


lb = Node(2000, 0.0002, 10000)
web = [Node(200, 0.002, 500) for _ in range(4)]
app = [Node(50, 0.020 * 1.05, 200) for _ in range(4)]
db = Node(200, 0.005, 1000)
stats = {"requests": 0, "served": 0, "failed": 0, "latency_sum": 0.0}
rr = {"web": 0, "app": 0}


def visit(node):
    if len(node.res.queue) >= node.queue_limit:
        return False
    with node.res.request() as req:
        yield req
        yield env.timeout(rng.expovariate(1.0 / node.service))
    return True


def request(home):
    start = env.now
    ok = True
    w = web[rr["web"] % 4]
    rr["web"] += 1
    for node in (lb, w, app[home], db):
        ok = yield env.process(visit(node))
        if not ok:
            break
    if env.now > HORIZON:
        return
    stats["requests"] += 1
    if ok:
        stats["served"] += 1
        stats["latency_sum"] += env.now - start
    else:
        stats["failed"] += 1


def session():
    home = rr["app"] % 4
    rr["app"] += 1
    while True:
        yield env.process(request(home))
        if rng.random() >= 1.0 - 1.0 / R:
            return
        yield env.timeout(rng.expovariate(R / D))


def arrivals():
    while True:
        yield env.timeout(rng.expovariate(RATE))
        env.process(session())


env.process(arrivals())
t0 = time.perf_counter()
env.run(until=HORIZON)
wall = time.perf_counter() - t0
served = max(stats["served"], 1)
print(json.dumps({
    "requests": stats["requests"],
    "served": stats["served"],
    "failed": stats["failed"],
    "mean_latency_ms": stats["latency_sum"] / served * 1000.0,
    "wall_s": wall,
}))
