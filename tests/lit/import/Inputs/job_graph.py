#!/usr/bin/env python3
"""Prints the job graph of a pipeline IR dump (`pipec lint --dump-ir`): one line per job with what
it waits for, its artifact paths and its scripts, names normalised the way `pipec import` names
jobs, so an original YAML and its import -> build round trip can be compared with diff.

GitLab: a job without `needs:` waits for every job of the earlier stages, which pipec's emitter
writes out as explicit (optional) needs; both print as the same list of jobs waited for.
GitHub: `uses:` steps print with their `with:` inputs, and downloaded artifacts with the job that
uploads them. With --settings, each job's stage, image, services, runner, env, retry, timeout,
allow_failure, environment, run_when and raw GitLab keys are printed too (global variables
count as the jobs' env)."""
import json
import re
import sys


def name(n):
    n = re.sub(r"_+", "_", re.sub(r"[^A-Za-z0-9_-]", "_", n)).rstrip("_")
    return n


ir = json.load(sys.stdin)
stages = ir.get("stages", [])
jobs = ir["jobs"]


def waits_for(job):
    needs = job.get("needs", [])
    if ir.get("origin") == "gitlab" and all(n.get("origin") == "stage" for n in needs):
        mine = stages.index(job["stage"]) if job.get("stage") in stages else -1
        return [j["name"] for j in jobs if j.get("stage") in stages and stages.index(j["stage"]) < mine]
    return [n["job"] for n in needs]


def step(s):
    if "uses" in s:
        return "%s %s" % (s["uses"], json.dumps(s.get("with", {}), sort_keys=True))
    return s.get("run", "")


for job in sorted(jobs, key=lambda j: name(j["name"])):
    needs = sorted(set(name(n) for n in waits_for(job)))
    outs = sorted(o.get("path", "") for o in job.get("outputs", []))
    steps = [step(s) for s in job.get("steps", [])]
    line = "%s needs=%s outputs=%s steps=%s" % (name(job["name"]), needs, outs, steps)
    ins = sorted("%s<-%s" % (i.get("output", ""), name(i.get("job", ""))) for i in job.get("inputs", []))
    if ins:
        line += " inputs=%s" % ins
    if "--settings" in sys.argv:
        # what templates and `default` must carry over too
        # (GitLab's global variables reach every job; the emitter writes them into each job)
        env = {v["name"]: v.get("value") for v in ir.get("variables", [])}
        env.update(job.get("env", {}))
        raw = {k: v for k, v in job.get("raw_gitlab", {}).items() if k != "extends"}  # the reader's note
        settings = dict(job, env=env, raw_gitlab=raw)
        for key in ("stage", "image", "services", "runner", "env", "retry", "timeout", "allow_failure",
                    "environment", "run_when", "raw_gitlab"):
            if settings.get(key):
                line += " %s=%s" % (key, json.dumps(settings[key], sort_keys=True))
    print(line)
