#!/usr/bin/env python3
"""How well `pipec import` round-trips the real-world corpus (issue 17).

For every entry config of the corpus (the files tests/corpus/run.py lints):
  1. the vendor file's IR:      pipec lint --dump-ir FILE
  2. the imported Pipe:          pipec import FILE -o x.pipe
  3. the Pipe file's IR:         pipec check --dump-ir x.pipe
and reports
  - the share of jobs the Pipe file expresses without a `raw` block, and
  - the share of files whose Pipe IR equals the vendor file's IR in job graph (jobs and their
    needs), scripts (each job's run steps) and triggers (the triggers each job exists under).
Job names are compared after `pipec import`'s renaming (runs of characters other than letters,
digits, `_` and `-` become one `_`). `--list` prints the first difference of each file that differs.
Without the corpus data it prints "skipped: no corpus data" and exits 77.
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import run as corpus  # noqa: E402  (the snapshot test's corpus layout)


def dump_ir(cmd, cwd):
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=300)
    text = proc.stdout
    start = text.find("{")
    if start < 0:
        return None, proc
    try:
        return json.JSONDecoder().raw_decode(text[start:])[0], proc
    except json.JSONDecodeError:
        return None, proc


def norm(name):
    return re.sub(r"_+", "_", re.sub(r"[^A-Za-z0-9_-]", "_", name)).strip("_")


EXPORT = re.compile(r'^export ([A-Za-z_][A-Za-z0-9_]*)=')


def job_view(job, variables=None):
    scripts = [s["run"] for s in job.get("steps", []) if "run" in s]
    if variables is not None:
        # `pipec import` writes a GitLab variable whose value refers to others as an `export`
        # at the top of the script (Pipe's `env` is literal): a variable, not a script step.
        while scripts and EXPORT.match(scripts[0]) and EXPORT.match(scripts[0]).group(1) in variables:
            scripts = scripts[1:]
    # Stage order is compared through the stages, not as needs: the importers and sema do not
    # spell it the same way (issue 13).
    needs = sorted({norm(n["job"]) for n in job.get("needs", []) if n.get("origin") != "stage"})
    return {"scripts": scripts, "needs": needs, "triggers": sorted(job.get("active_triggers", []))}


def compare(orig, piped):
    """The first difference between two IR dumps, or None."""
    a = {norm(j["name"]): j for j in orig.get("jobs", []) if not j.get("hidden")}
    b = {norm(j["name"]): j for j in piped.get("jobs", []) if not j.get("hidden")}
    if set(a) != set(b):
        return "jobs differ: only in the vendor file %s, only in the Pipe file %s" % (
            sorted(set(a) - set(b))[:5], sorted(set(b) - set(a))[:5])
    for name in sorted(a):
        variables = set(a[name].get("env") or {}) | {v["name"] for v in orig.get("variables", [])}
        va, vb = job_view(a[name]), job_view(b[name], variables)
        for key in ("needs", "scripts", "triggers"):
            if va[key] != vb[key]:
                return "job %s: %s differ: %s vs %s" % (name, key, str(va[key])[:160], str(vb[key])[:160])
    return None


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pipec", required=True)
    ap.add_argument("--data", action="append", default=[])
    ap.add_argument("--vendor", choices=corpus.VENDORS)
    ap.add_argument("--list", action="store_true", help="print each file's first difference")
    args = ap.parse_args(argv)
    here = os.path.dirname(os.path.abspath(__file__))
    args.data = args.data or [d for d in (os.environ.get("PIPEC_CORPUS_DIR"), here) if d]
    args.sources = corpus.sources(here)
    pipec = os.path.abspath(args.pipec)
    totals = {}
    found_any = False
    for vendor in ([args.vendor] if args.vendor else corpus.VENDORS):
        t = totals.setdefault(vendor, {"files": 0, "imported": 0, "equal": 0, "jobs": 0, "jobs_no_raw": 0})
        for repo, repo_dir in corpus.repo_dirs(args, vendor).items():
            if not repo_dir:
                continue
            found_any = True
            for f in corpus.entry_files(repo_dir, vendor):
                t["files"] += 1
                orig, _ = dump_ir([pipec, "lint", "--dump-ir", "--vendor", vendor, "--root", ".", f], repo_dir)
                if orig is None:
                    if args.list:
                        print("%s/%s: the vendor file does not load" % (repo, f))
                    continue
                with tempfile.TemporaryDirectory() as tmp:
                    out = os.path.join(tmp, "imported.pipe")
                    proc = subprocess.run([pipec, "import", "--vendor", vendor, "--root", ".", f, "-o", out],
                                          cwd=repo_dir, capture_output=True, text=True, timeout=300)
                    piped = None
                    if proc.returncode == 0 and os.path.exists(out):
                        piped, _ = dump_ir([pipec, "check", "--dump-ir", out], tmp)
                if piped is None:
                    if args.list:
                        print("%s/%s: import failed (exit %d)" % (repo, f, proc.returncode))
                    continue
                t["imported"] += 1
                t["jobs"] += sum(1 for j in piped.get("jobs", []) if not j.get("hidden"))
                t["jobs_no_raw"] += sum(1 for j in piped.get("jobs", [])
                                        if not j.get("hidden") and not j.get("raw_gitlab") and not j.get("raw_github"))
                diff = compare(orig, piped)
                if diff is None:
                    t["equal"] += 1
                elif args.list:
                    print("%s/%s: %s" % (repo, f, diff))
    if not found_any:
        print("skipped: no corpus data")
        return 77
    for vendor, t in totals.items():
        pct = lambda a, b: "%.1f%%" % (100.0 * a / b) if b else "-"
        print("%s: %d files, %d imported to a Pipe file that checks, %d equivalent (%s); of the imported files' %d jobs, %d without raw (%s)" % (
            vendor, t["files"], t["imported"], t["equal"], pct(t["equal"], t["files"]), t["jobs"],
            t["jobs_no_raw"], pct(t["jobs_no_raw"], t["jobs"])))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
