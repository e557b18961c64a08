#!/usr/bin/env python3
"""The Dask driver end to end: a LocalCluster of 2 worker processes runs a built-in study
sharded 4 ways; the merged report's digest equals the unsharded `failover-lab study --json`.

Run by ./dev test (after cargo test built target/debug/failover-lab) with the pinned
`distributed` of tools/requirements-dask.txt. Prints cargo's summary line, which ./dev counts.
"""

import contextlib
import io
import json
import os
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import dask_study  # noqa: E402

BINARY = os.environ.get("FAILOVER_LAB") or dask_study.default_binary()


def unsharded(args):
    done = subprocess.run([BINARY, "study", *args, "--json"], capture_output=True, text=True,
                          check=True)
    return json.loads(done.stdout)


def through_dask(args, shards=4, out=None):
    buf = io.StringIO()
    argv = ["--workers", "2", "--shards", str(shards), "--binary", BINARY, "--json",
            *(["--out", out] if out else []), "--", *args]
    # merge prints through a subprocess: capture it at the file-descriptor level
    with tempfile.TemporaryFile(mode="w+") as f:
        saved = os.dup(1)
        os.dup2(f.fileno(), 1)
        try:
            with contextlib.redirect_stdout(buf):
                status = dask_study.main(argv)
        finally:
            os.dup2(saved, 1)
            os.close(saved)
        f.seek(0)
        text = f.read()
    return status, json.loads(text) if status == 0 else text


class DaskStudy(unittest.TestCase):
    def test_four_shards_on_two_workers_merge_to_the_unsharded_digest(self):
        args = ["--builtin", "liferay-reference", "--mode", "flow", "--horizon", "30d",
                "--replications", "10"]
        want = unsharded(args)
        with tempfile.TemporaryDirectory() as out:
            status, got = through_dask(args, out=out)
            self.assertEqual(status, 0, got)
            files = sorted(p.name for p in Path(out).iterdir())
        self.assertEqual(files, [f"shard-{i}.jsonl" for i in range(4)])
        self.assertEqual(got["replications"], 10)
        self.assertEqual(got["digest"], want["digest"])
        self.assertEqual(got["metrics"], want["metrics"])

    def test_a_scenario_file_is_shipped_to_the_workers_with_its_warmup(self):
        scenario = {
            "version": 1, "name": "shipped", "seed": 3, "horizon": "10m", "warmup": "2m",
            "traffic": {"entry": ["web"], "sessions_per_s": 5, "requests_per_session": 2},
            "components": [{"id": "web", "failure": {"mtbf": "5m", "mttr": "30s"},
                            "spec": {"web": {"nodes": 2}}}],
        }
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "shipped.json"
            path.write_text(json.dumps(scenario))
            args = [str(path), "--replications", "6"]
            want = unsharded(args)
            status, got = through_dask(args, shards=3)
        self.assertEqual(status, 0, got)
        self.assertEqual(got["warmup_s"], 120.0)
        self.assertEqual(got["warmup_method"], "fixed")
        self.assertEqual(got["digest"], want["digest"])

    def test_a_failing_shard_is_reported_with_its_message(self):
        err = io.StringIO()
        with contextlib.redirect_stderr(err):
            status, _ = through_dask(["--builtin", "no-such-builtin", "--replications", "4"])
        self.assertEqual(status, 2)
        self.assertIn("no built-in scenario `no-such-builtin`", err.getvalue())


if __name__ == "__main__":
    result = unittest.main(exit=False, verbosity=2).result
    failed = len(result.failures) + len(result.errors)
    passed = result.testsRun - failed
    print(f"test result: {'ok' if failed == 0 else 'FAILED'}. {passed} passed; {failed} failed")
    sys.exit(1 if failed else 0)
