#!/usr/bin/env python3
"""Prints the job graph of a pipeline IR dump (`pipec lint --dump-ir`): one line per job with its
needs, artifact paths and scripts, names normalised the way `pipec import` names jobs, so an
original YAML and its import -> build round trip can be compared with diff."""
import json
import re
import sys


def name(n):
    n = re.sub(r"_+", "_", re.sub(r"[^A-Za-z0-9_-]", "_", n)).rstrip("_")
    return n


ir = json.load(sys.stdin)
for job in sorted(ir["jobs"], key=lambda j: name(j["name"])):
    needs = sorted(name(n["job"]) for n in job.get("needs", []))
    outs = sorted(o.get("path", "") for o in job.get("outputs", []))
    steps = [s.get("run", s.get("uses", "")) for s in job.get("steps", [])]
    print("%s needs=%s outputs=%s steps=%s" % (name(job["name"]), needs, outs, steps))
