#!/usr/bin/env python3
"""Prints the job graph of a pipeline IR dump (`pipec lint --dump-ir`): one line per job with what
it waits for, its artifact paths and its scripts, names normalised the way `pipec import` names
jobs, so an original YAML and its import -> build round trip can be compared with diff.

GitLab: a job without `needs:` waits for every job of the earlier stages (pipec's emitter writes
such jobs without `needs`, or lists the jobs as optional needs); both print as the same list.
GitHub: `uses:` steps print with their `with:` inputs; artifacts print as the paths each job
uploads and, for each download, the uploading job, its path and where the download lands. With --settings, each job's stage, image, services, runner, env, retry, timeout,
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


ARTIFACT_ACTIONS = ("actions/upload-artifact", "actions/download-artifact")


def step(s):
    if "uses" in s:
        return "%s %s" % (s["uses"], json.dumps(s.get("with", {}), sort_keys=True))
    return s.get("run", "")


def steps_of(job):
    """GitHub: the checkout pipec's emitter puts first and the artifact steps (compared as the
    job's outputs and inputs, whatever the artifacts are named) are left out. Consecutive `run`
    GitHub steps are compared as one script: pipec runs a job's script in one shell (one step)."""
    out = []
    joinable = False
    for i, s in enumerate(job.get("steps", [])):
        action = s.get("uses", "").split("@")[0].lower()
        if ir.get("origin") == "github" and (action in ARTIFACT_ACTIONS or (action == "actions/checkout" and i == 0)):
            continue
        text = step(s)
        run = ir.get("origin") == "github" and "uses" not in s and not s.get("id") and not s.get("if")
        if run and joinable:
            out[-1] += ("" if out[-1].endswith("\n") else "\n") + text
        else:
            out.append(text)
        joinable = run
    return out


def output_path(job_name, output):
    for j in jobs:
        if j["name"] == job_name:
            for o in j.get("outputs", []):
                if o["name"] == output:
                    return o.get("path", "")
    return "?"


for job in sorted(jobs, key=lambda j: name(j["name"])):
    needs = sorted(set(name(n) for n in waits_for(job)))
    outs = sorted(o.get("path", "") for o in job.get("outputs", []))
    steps = steps_of(job)
    line = "%s needs=%s outputs=%s steps=%s" % (name(job["name"]), needs, outs, steps)
    ins = []
    for i in job.get("inputs", []):  # "from": "JOB.OUTPUT"; the producer's path, where it lands
        producer, _, output = i.get("from", "").partition(".")
        ins.append("%s:%s at %s" % (name(producer), output_path(producer, output), i.get("path", "")))
    ins.sort()
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
