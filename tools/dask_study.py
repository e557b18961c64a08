#!/usr/bin/env python3
"""Run a Failover Lab study as Dask tasks: one `failover-lab study ... --shard i/n` per task.

Each task runs the CLI binary as a subprocess on its worker and returns the shard's JSON
lines; the driver writes them to shard files, runs `failover-lab merge` on them and prints the
merged report, which (like its digest) is exactly the unsharded study's.

    tools/dask_study.py --shards 8 -- --builtin liferay-reference --mode flow --horizon 1y \\
        --replications 1000
    tools/dask_study.py --scheduler tcp://scheduler:8786 --binary /opt/failover-lab \\
        --shards 64 --json -- my.json --replications 100000

Without --scheduler a distributed.LocalCluster with --workers processes (default 2, one
thread each) is started. With --scheduler any running scheduler is used, so clusters started
by dask-jobqueue (Slurm, PBS, HTCondor), dask-kubernetes or `dask scheduler` / `dask worker`
work unchanged; then --binary must name the CLI as the workers see it. A scenario file among
the study arguments is read here and sent to the tasks, so the workers need no shared disk.

Exit status: merge's (0 done, 1 an objective of the scenario's `slo` not met, 2 bad input), or
2 when a shard failed (its stderr is printed).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def default_binary() -> str:
    """The repository's release build, else its debug build, else `failover-lab` on PATH."""
    for profile in ("release", "debug"):
        target = Path(os.environ.get("CARGO_TARGET_DIR", REPO / "target"))
        candidate = target / profile / "failover-lab"
        if candidate.is_file():
            return str(candidate)
    return shutil.which("failover-lab") or "failover-lab"


def run_shard(binary: str, args: list[str], files: dict[int, str], i: int, n: int) -> str:
    """One task: shard i of n, run on the worker. `files` maps the positions of scenario-file
    arguments to their text, written to a temporary directory on the worker first."""
    with tempfile.TemporaryDirectory(prefix="failover-lab-shard-") as tmp:
        argv = list(args)
        for pos, text in files.items():
            path = Path(tmp) / f"scenario-{pos}.json"
            path.write_text(text, encoding="utf-8")
            argv[pos] = str(path)
        cmd = [binary, "study", *argv, "--shard", f"{i}/{n}"]
        done = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise RuntimeError(
                f"shard {i}/{n} failed with status {done.returncode}: {done.stderr.strip()}"
            )
        return done.stdout


def scenario_files(args: list[str]) -> dict[int, str]:
    """The study arguments that name an existing scenario file (positionals ending in .json),
    by position, with their text."""
    files = {}
    takes_value = {"--builtin", "--replications", "--until-ci", "--max", "--max-seconds",
                   "--seed", "--horizon", "--mode", "--jobs", "--warmup", "--compare"}
    skip = False
    for pos, a in enumerate(args):
        if skip:
            skip = False
            continue
        if a in takes_value:
            skip = True
            continue
        if not a.startswith("-") and a.endswith(".json") and Path(a).is_file():
            files[pos] = Path(a).read_text(encoding="utf-8")
    return files


def parse(argv: list[str]) -> tuple[argparse.Namespace, list[str]]:
    p = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        usage="%(prog)s [options] -- STUDY-ARGUMENTS...",
    )
    p.add_argument("--scheduler", metavar="ADDRESS",
                   help="a running Dask scheduler (tcp://host:8786); default: a LocalCluster")
    p.add_argument("--workers", type=int, default=2,
                   help="worker processes of the LocalCluster (default 2)")
    p.add_argument("--shards", type=int, default=4, help="tasks, one shard each (default 4)")
    p.add_argument("--binary", default=None,
                   help="the failover-lab CLI as the workers see it (default: this repository's build)")
    p.add_argument("--merge-binary", default=None,
                   help="the CLI that merges here (default: --binary)")
    p.add_argument("--jobs", type=int, default=1,
                   help="threads per task, passed as --jobs unless the study arguments give it (default 1)")
    p.add_argument("--out", metavar="DIR", help="keep the shard files here (default: a temporary directory)")
    p.add_argument("--json", action="store_true", help="print the merged report as JSON")
    ns, rest = p.parse_known_args(argv)
    if rest and rest[0] == "--":
        rest = rest[1:]
    if not rest:
        p.error("give the study's arguments after --, e.g. -- --builtin liferay-reference --replications 100")
    if ns.shards < 1 or ns.workers < 1 or ns.jobs < 1:
        p.error("--shards, --workers and --jobs must be at least 1")
    if "--shard" in rest:
        p.error("the driver chooses the shards: leave --shard out of the study arguments")
    return ns, rest


def main(argv: list[str]) -> int:
    ns, study_args = parse(argv)
    binary = ns.binary or default_binary()
    merger = ns.merge_binary or binary
    if "--jobs" not in study_args:
        study_args = [*study_args, "--jobs", str(ns.jobs)]
    files = scenario_files(study_args)

    from distributed import Client, LocalCluster

    cluster = None
    if ns.scheduler:
        client = Client(ns.scheduler)
    else:
        cluster = LocalCluster(n_workers=ns.workers, threads_per_worker=1, processes=True,
                               dashboard_address=None)
        client = Client(cluster)
    try:
        workers = len(client.scheduler_info().get("workers", {}))
        print(f"dask: {ns.shards} shards on {workers} workers ({client.scheduler.address})",
              file=sys.stderr)
        futures = client.map(run_shard, [binary] * ns.shards, [study_args] * ns.shards,
                             [files] * ns.shards, range(ns.shards), [ns.shards] * ns.shards,
                             pure=False)
        try:
            shards = client.gather(futures)
        except RuntimeError as e:
            print(f"error: {e}", file=sys.stderr)
            return 2
    finally:
        client.close()
        if cluster is not None:
            cluster.close()

    out = Path(ns.out) if ns.out else Path(tempfile.mkdtemp(prefix="failover-lab-dask-"))
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for i, text in enumerate(shards):
        path = out / f"shard-{i}.jsonl"
        path.write_text(text, encoding="utf-8")
        paths.append(str(path))
    merge = [merger, "merge", *paths, *(["--json"] if ns.json else [])]
    done = subprocess.run(merge, check=False)
    if not ns.out:
        shutil.rmtree(out, ignore_errors=True)
    return done.returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
