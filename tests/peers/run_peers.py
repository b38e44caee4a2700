#!/usr/bin/env python3
"""Peer suites for `pipec lint`: measures agreement with other linters' test data.

  gitlab      GitLab's CI schema YAML tests (../shared/peers/gitlab-ci-schema): every
              positive document must give no structural error, every negative one at least one.
  actionlint  actionlint's testdata (../shared/peers/actionlint/testdata): ok/ files must give
              no error; for err/ and examples/, the expected errors in the categories pipec
              implements must be reported on the same line.

Prints the rates and fails when one drops below tests/peers/thresholds.json.
Peer data is read in place and never copied into the repository; without it the suite
prints "skipped: no peer data" and exits 77 (ctest: skipped).
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile

SKIP = 77

# Diagnostics that answer "is this document well-formed?" (what a schema checks). Cross-job
# checks (unknown stage, undefined need, no visible job, extends targets) are left out: the
# schema tests validate one top-level key at a time, out of context.
SCHEMA_IDS = {"P5001", "P5002", "P5003", "P5005", "P5006", "P5007", "P5008", "P5026"}

# Entries that disagree with this ci.json because the tests come from other commits
# (../shared/peers/README.md, "version skew").
GITLAB_SKEW = {
    ("negative_tests/spec_inputs.yml", "invalid_property"),
    ("negative_tests/spec_inputs.yml", "trigger_invalid_input"),
    ("positive_tests/cache.yml", "cache-key-files-ten"),
    ("positive_tests/needs_pipeline_optional.yml", "job_with_optional_cross_pipeline_need"),
    ("positive_tests/run.yml", "step_using_action"),
}

# actionlint categories pipec implements: rule kind -> message test (None = every message).
ACTIONLINT_CATEGORIES = {
    "deprecated-commands": None,
    "job-needs": None,
    "workflow-call": None,
    "expression": re.compile(r"potentially untrusted"),
    "id": re.compile(r"step ID .* duplicates"),
    "syntax-check": re.compile(
        r"unexpected key|section is missing in (job|workflow)|step must run script|is duplicated in"
        r"|is only available for a reusable workflow call|when a reusable workflow is called"
        r"|does not support YAML merge key"),
}


def run_pipec(pipec, files, cwd, extra):
    cmd = [pipec, "lint", "--format", "json"] + extra + files
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=300)
    # 0 clean, 1 findings, 2 input errors (unreadable or empty files): all are reports
    if proc.returncode not in (0, 1, 2) or not proc.stdout.startswith("["):
        raise RuntimeError("%s failed (%d): %s" % (" ".join(cmd), proc.returncode, proc.stderr[-2000:]))
    return json.loads(proc.stdout or "[]")


def gitlab_documents(path, rel):
    import yaml

    class Loader(yaml.SafeLoader):
        pass

    # `!reference [a, b]` loads as a plain list, as GitLab's schema spec does.
    Loader.add_constructor("!reference", lambda l, n: l.construct_sequence(n))
    with open(path, encoding="utf-8") as f:
        data = yaml.load(f, Loader=Loader)
    if not isinstance(data, dict):
        return []
    whole = rel in ("negative_tests/job_inputs.yml", "negative_tests/spec_inputs.yml") or rel.startswith(
        ("positive_tests/workflow/auto_cancel/", "negative_tests/workflow/auto_cancel/"))
    return [(key, value if whole else {key: value}) for key, value in data.items()]


def gitlab_suite(pipec, peers, show_docs=False):
    root = os.path.join(peers, "gitlab-ci-schema", "spec", "frontend", "editor", "schema", "ci", "yaml_tests")
    if not os.path.isdir(root):
        return None
    import yaml
    results = {"positive": [0, 0], "negative": [0, 0]}
    misses = []
    with tempfile.TemporaryDirectory() as tmp:
        jobs = []
        for dirpath, _, files in os.walk(root):
            for name in sorted(files):
                if not name.endswith((".yml", ".yaml")):
                    continue
                path = os.path.join(dirpath, name)
                rel = os.path.relpath(path, root)
                kind = "positive" if rel.startswith("positive_tests") else "negative"
                for key, doc in gitlab_documents(path, rel):
                    if (rel, key) in GITLAB_SKEW:
                        continue
                    d = os.path.join(tmp, str(len(jobs)))
                    os.makedirs(d)
                    target = os.path.join(d, ".gitlab-ci.yml")
                    with open(target, "w", encoding="utf-8") as f:
                        yaml.safe_dump(doc, f, sort_keys=False)
                    jobs.append((kind, rel, key, target))
        by_file = {}
        for i in range(0, len(jobs), 200):
            chunk = [j[3] for j in jobs[i:i + 200]]
            for d in run_pipec(pipec, chunk, tmp, ["--vendor", "gitlab"]):
                if d["severity"] == "error" and d["id"] in SCHEMA_IDS:
                    by_file.setdefault(d["range"]["file"], []).append(d["message"])
        for kind, rel, key, target in jobs:
            found = [m for f, ms in by_file.items() if os.path.abspath(os.path.join(tmp, f)) == target or f == target for m in ms]
            ok = (not found) if kind == "positive" else bool(found)
            results[kind][0] += ok
            results[kind][1] += 1
            if not ok:
                miss = "%s %s: %s" % (rel, key, found[0] if found else "no error reported")
                if show_docs:
                    with open(target, encoding="utf-8") as f:
                        miss += "\n      " + f.read().rstrip("\n").replace("\n", "\n      ")
                misses.append(miss)
    return results, misses


def parse_expected(out_path):
    """(line, kind, message) of every expected error in an actionlint .out file."""
    expected = []
    with open(out_path, encoding="utf-8") as f:
        for raw in f:
            raw = raw.rstrip("\n")
            if not raw:
                continue
            if raw.startswith("/") and raw.endswith("/"):
                m = re.match(r"/test\\\.yaml:(\d+):(\d+): (.*)/$", raw)
                if not m:
                    continue
                msg = m.group(3)
                k = re.search(r"\\\[([a-z-]+)\\\]\s*$", msg)
                expected.append((int(m.group(1)), k.group(1) if k else "", msg))
                continue
            m = re.match(r"test\.yaml:(\d+):(\d+): (.*) \[([a-z-]+)\]$", raw)
            if m:
                expected.append((int(m.group(1)), m.group(4), m.group(3)))
    return expected


def in_our_categories(kind, message):
    if kind not in ACTIONLINT_CATEGORIES:
        return False
    test = ACTIONLINT_CATEGORIES[kind]
    return test is None or bool(test.search(message))


def actionlint_suite(pipec, peers):
    root = os.path.join(peers, "actionlint", "testdata")
    if not os.path.isdir(root):
        return None
    rates = {"ok": [0, 0], "expected": [0, 0]}
    misses = []
    ok_dir = os.path.join(root, "ok")
    ok_files = sorted(f for f in os.listdir(ok_dir) if f.endswith((".yml", ".yaml")))
    diags = run_pipec(pipec, ok_files, ok_dir, ["--vendor", "github", "--root", "."])
    errors_in = {}
    for d in diags:
        if d["severity"] == "error":
            errors_in.setdefault(os.path.basename(d["range"]["file"]), []).append(d)
    for f in ok_files:
        rates["ok"][1] += 1
        if f in errors_in:
            d = errors_in[f][0]
            misses.append("ok/%s:%d: unexpected %s %s" % (f, d["range"]["line"], d["id"], d["message"]))
        else:
            rates["ok"][0] += 1
    for sub in ("err", "examples"):
        d_root = os.path.join(root, sub)
        files = sorted(f for f in os.listdir(d_root)
                       if f.endswith(".yaml") and "shellcheck" not in f and "pyflakes" not in f
                       and os.path.exists(os.path.join(d_root, f[:-5] + ".out")))
        diags = run_pipec(pipec, files, d_root, ["--vendor", "github", "--root", "."])
        lines = {}
        for d in diags:
            if d["severity"] in ("error", "warning"):
                lines.setdefault(os.path.basename(d["range"]["file"]), set()).add(d["range"]["line"])
        for f in files:
            for line, kind, msg in parse_expected(os.path.join(d_root, f[:-5] + ".out")):
                if not in_our_categories(kind, msg):
                    continue
                rates["expected"][1] += 1
                if line in lines.get(f, set()):
                    rates["expected"][0] += 1
                else:
                    misses.append("%s/%s:%d: missed [%s] %s" % (sub, f, line, kind, msg[:100]))
    return rates, misses


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pipec", required=True)
    ap.add_argument("--peers", default=os.environ.get("PIPEC_PEERS_DIR", ""))
    ap.add_argument("--thresholds", required=True)
    ap.add_argument("--suite", choices=["gitlab", "actionlint"], required=True)
    ap.add_argument("--verbose", action="store_true", help="list every miss")
    ap.add_argument("--list-misses", action="store_true",
                    help="list every miss with the document linted (gitlab: as written to the temporary file)")
    args = ap.parse_args()
    args.pipec = os.path.abspath(args.pipec)
    if not args.peers or not os.path.isdir(args.peers):
        print("skipped: no peer data (looked in %r; set PIPEC_PEERS_DIR)" % args.peers)
        return SKIP
    with open(args.thresholds, encoding="utf-8") as f:
        thresholds = json.load(f)
    args.verbose |= args.list_misses
    result = gitlab_suite(args.pipec, args.peers, args.list_misses) if args.suite == "gitlab" else actionlint_suite(args.pipec, args.peers)
    if result is None:
        print("skipped: no peer data for the %s suite under %s" % (args.suite, args.peers))
        return SKIP
    rates, misses = result
    failed = False
    for name, (hit, total) in sorted(rates.items()):
        key = "%s_%s" % (args.suite, name)
        rate = hit / total if total else 1.0
        want = thresholds.get(key, 0.0)
        status = "ok" if rate + 1e-9 >= want else "BELOW THRESHOLD"
        failed |= status != "ok"
        print("%-22s %4d / %-4d = %6.1f%%  (threshold %5.1f%%) %s" % (key, hit, total, 100 * rate, 100 * want, status))
    shown = misses if args.verbose or failed else misses[:15]
    for m in shown:
        print("  " + m)
    if len(shown) < len(misses):
        print("  ... %d more (--verbose lists all)" % (len(misses) - len(shown)))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
