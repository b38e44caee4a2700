#!/usr/bin/env python3
"""Scheduling overhead of `pipec run` on a 200-job DAG of trivial jobs.

Builds a deterministic DAG (each job needs up to 3 earlier jobs), writes it as plan.json in
a fresh git repository, runs `pipec run -j N` on it a few times and reports the wall time,
the time per job, and the same number for a baseline that only spawns `sh -e -c true` N at a
time in the same order, so the difference is what pipec itself adds (workspace copy,
scheduling, logs, artifacts).

usage: dag200.py PIPEC [--jobs 200] [-j 2] [--runs 3] [--files 20]
"""
import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor


def make_plan(n):
    rng = random.Random(200)
    jobs = []
    for i in range(n):
        needs = sorted({f"job{rng.randrange(i)}" for _ in range(rng.randint(0, 3))}) if i else []
        jobs.append({"name": f"job{i}", "needs": needs, "commands": ["true"]})
    return {"version": 1, "pipeline": "dag200", "jobs": jobs}


def baseline(n, j):
    start = time.monotonic()
    with ThreadPoolExecutor(max_workers=j) as pool:
        list(pool.map(lambda _: subprocess.run(["sh", "-e", "-c", "true"], check=True), range(n)))
    return time.monotonic() - start


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("pipec")
    ap.add_argument("--jobs", type=int, default=200)
    ap.add_argument("-j", type=int, default=2)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--files", type=int, default=20, help="project files copied into each workspace")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="pipec-bench-") as d:
        subprocess.run(["git", "init", "-q", d], check=True)
        for k in range(args.files):
            with open(os.path.join(d, f"src{k}.txt"), "w") as f:
                f.write("x" * 1024)
        with open(os.path.join(d, "plan.json"), "w") as f:
            json.dump(make_plan(args.jobs), f)
        walls = []
        for _ in range(args.runs):
            start = time.monotonic()
            r = subprocess.run([args.pipec, "run", "plan.json", "--plain", "-j", str(args.j)], cwd=d,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            walls.append(time.monotonic() - start)
            if r.returncode != 0:
                sys.exit(f"pipec run failed: {r.stderr.decode()}")
        base = statistics.median(baseline(args.jobs, args.j) for _ in range(args.runs))
    wall = statistics.median(walls)
    result = {
        "jobs": args.jobs,
        "parallelism": args.j,
        "project_files": args.files,
        "pipec_wall_s": round(wall, 3),
        "pipec_ms_per_job": round(1000 * wall / args.jobs, 2),
        "baseline_spawn_ms_per_job": round(1000 * base / args.jobs, 2),
        "overhead_ms_per_job": round(1000 * (wall - base) / args.jobs, 2),
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
