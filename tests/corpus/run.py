#!/usr/bin/env python3
"""Snapshot test of `pipec lint` on real-world CI configs (tests/corpus/README.md).

Each corpus folder tests/corpus/<vendor>/<owner>__<repo>/ holds one repository's files at
their original paths. `pipec lint --format json` runs in that folder on its entry files
(GitLab: .gitlab-ci.yml, so local includes resolve; GitHub: every file in .github/workflows/)
and each finding becomes one line of tests/corpus/snapshots/<vendor>/<owner>__<repo>.txt:

    <path>:<line>: <level> <rule>
      # TRUE: <why this is a real problem or a real, explained risk>

Warnings and errors carry a review line (`# TRUE: ...` or `# FALSE: ...`); notes and infos
need none. The check compares the finding lines (not the review text), prints a unified diff
on any change, and fails when a warning or error has no review (or `# UNREVIEWED`).

  run.py --pipec PIPEC [--vendor gitlab|github] [--repo NAME]   check (exit 1 on a difference)
  run.py --pipec PIPEC --update      rewrite the snapshots, keeping the reviews of unchanged
                                     findings; new warnings/errors get `# UNREVIEWED`
  run.py --summary [--markdown]      counts per rule and the reviewed false-positive rate
                                     (from the snapshots alone; no pipec needed)
  run.py --pipec PIPEC --show NAME   one repository's findings with their messages, for review

Python 3 standard library only.
"""
import argparse
import collections
import concurrent.futures
import difflib
import json
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
VENDORS = ("gitlab", "github")
SKIP = 77  # ctest SKIP_RETURN_CODE: no corpus data here
REVIEWED = ("# TRUE:", "# FALSE:")
NEEDS_REVIEW = ("warning", "error")
CLASS = re.compile(r"\b(?:new class: ([^)]+)|class(?:es)? ([a-j](?:, [a-j])*))")
FINDING = re.compile(r"^(?P<path>.+):(?P<line>\d+): (?P<level>\w+) (?P<rule>\S+)$")


def sources(corpus):
    """{vendor: {owner__repo: [path in the corpus folder]}} from SOURCES.tsv: the committed list
    of what the corpus holds (data folders may hold more; only listed repositories are tested)."""
    listed = collections.defaultdict(lambda: collections.defaultdict(list))
    path = os.path.join(corpus, "SOURCES.tsv")
    if not os.path.isfile(path):
        return listed
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            cols = line.rstrip("\n").split("\t")
            if not line.strip() or cols[0] == "local_path":
                continue
            if len(cols) != 5:
                raise ValueError("%s:%d: expected 5 tab-separated columns" % (path, n))
            local = cols[0][len("tests/corpus/"):] if cols[0].startswith("tests/corpus/") else cols[0]
            parts = local.split("/", 2)
            if len(parts) != 3 or parts[0] not in VENDORS:
                raise ValueError("%s:%d: local_path must be <vendor>/<owner>__<repo>/<path>" % (path, n))
            listed[parts[0]][parts[1]].append(parts[2])
    return listed


def repo_dirs(args, vendor):
    """{owner__repo: folder} of the repositories SOURCES.tsv lists for VENDOR, each in the first
    data folder that holds it (None when no data folder does)."""
    found = {}
    for name in sorted(args.sources[vendor]):
        found[name] = next((os.path.join(d, vendor, name) for d in args.data
                            if os.path.isdir(os.path.join(d, vendor, name))), None)
    return found


def entry_files(repo_dir, vendor):
    if vendor == "gitlab":
        return [".gitlab-ci.yml"] if os.path.isfile(os.path.join(repo_dir, ".gitlab-ci.yml")) else []
    wf = os.path.join(repo_dir, ".github", "workflows")
    if not os.path.isdir(wf):
        return []
    return sorted(
        os.path.join(".github", "workflows", f)
        for f in os.listdir(wf)
        if f.endswith((".yml", ".yaml")) and os.path.isfile(os.path.join(wf, f)))


def lint(pipec, repo_dir, vendor):
    """Runs pipec on one repository; returns its JSON diagnostics."""
    files = entry_files(repo_dir, vendor)
    if not files:
        raise RuntimeError("%s: no %s entry file" % (repo_dir, vendor))
    cmd = [pipec, "lint", "--format", "json", "--color", "never", "--vendor", vendor, "--root", "."] + files
    proc = subprocess.run(cmd, cwd=repo_dir, capture_output=True, text=True, timeout=300)
    # 0 clean, 1 errors found, 2 input errors (still a JSON report); anything else is a crash.
    if proc.returncode not in (0, 1, 2) or not proc.stdout.lstrip().startswith("["):
        raise RuntimeError("%s in %s failed (exit %d): %s" %
                           (" ".join(cmd), repo_dir, proc.returncode, proc.stderr[-2000:]))
    return json.loads(proc.stdout)


def relpath(path):
    p = os.path.normpath(path) if path else "<none>"
    return p[2:] if p.startswith("./") else p


def finding_lines(diags):
    """The snapshot lines of a report (sorted), and the message of each for --show."""
    out = []
    for d in diags:
        r = d.get("range") or {}
        key = "%s:%d: %s %s" % (relpath(r.get("file", "")), r.get("line", 0), d["severity"], d["name"])
        out.append((key, d))
    out.sort(key=lambda kd: (kd[0].split(":")[0], int(kd[0].split(":")[1]), kd[0]))
    return out


def parse_snapshot(path):
    """[(finding line, review comment or None)] in file order."""
    entries = []
    if not os.path.isfile(path):
        return None
    with open(path, encoding="utf-8") as f:
        for n, raw in enumerate(f, 1):
            line = raw.rstrip("\n")
            if not line.strip():
                continue
            if line.startswith("  #"):
                if not entries or entries[-1][1] is not None:
                    raise ValueError("%s:%d: review comment without a finding above it" % (path, n))
                entries[-1] = (entries[-1][0], line.strip())
                continue
            if not FINDING.match(line):
                raise ValueError("%s:%d: not a finding line: %r" % (path, n, line))
            entries.append((line, None))
    return entries


def level_of(key):
    return FINDING.match(key).group("level")


def rule_of(key):
    return FINDING.match(key).group("rule")


def merge(actual_keys, old_entries):
    """New snapshot entries: reviews of unchanged findings are kept (matched in order among
    equal lines); new warnings and errors are marked # UNREVIEWED."""
    pool = collections.defaultdict(list)
    for key, comment in old_entries or []:
        pool[key].append(comment)
    out = []
    for key in actual_keys:
        comment = pool[key].pop(0) if pool[key] else None
        if comment is None and level_of(key) in NEEDS_REVIEW:
            comment = "# UNREVIEWED"
        out.append((key, comment))
    return out


def render(entries):
    text = []
    for key, comment in entries:
        text.append(key + "\n")
        if comment:
            text.append("  " + comment + "\n")
    return "".join(text)


def unreviewed(entries):
    return [key for key, comment in entries
            if level_of(key) in NEEDS_REVIEW and not (comment and comment.startswith(REVIEWED)
                                                      and len(comment.split(":", 1)[1].strip()) > 0)]


def snapshot_path(corpus, vendor, repo):
    return os.path.join(corpus, "snapshots", vendor, repo + ".txt")


def check_or_update(args, corpus):
    failures = []
    jobs = []
    dirs = {v: repo_dirs(args, v) for v in args.vendors}
    present = [v for v in args.vendors if any(dirs[v].values())]
    if not present:
        print("skipped: no corpus data for %s in %s" % (", ".join(args.vendors), ", ".join(args.data)))
        return SKIP
    for vendor in present:
        for repo in sorted(dirs[vendor]):
            if args.repo and repo not in args.repo:
                continue
            missing = [p for p in args.sources[vendor][repo]
                       if not dirs[vendor][repo] or not os.path.isfile(os.path.join(dirs[vendor][repo], p))]
            if missing:
                failures.append("%s/%s: listed in SOURCES.tsv but not in the data folders (%s): %s" %
                                (vendor, repo, ", ".join(args.data), ", ".join(missing)))
                continue
            jobs.append((vendor, repo))

    def run_one(job):
        vendor, repo = job
        return job, finding_lines(lint(args.pipec, dirs[vendor][repo], vendor))

    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
        results = list(pool.map(run_one, jobs))

    for (vendor, repo), found in results:
        snap = snapshot_path(corpus, vendor, repo)
        actual = [k for k, _ in found]
        old = parse_snapshot(snap)
        if args.update:
            entries = merge(actual, old)
            text = render(entries)
            if old is None or render(old) != text:
                os.makedirs(os.path.dirname(snap), exist_ok=True)
                with open(snap, "w", encoding="utf-8") as f:
                    f.write(text)
                print("updated %s" % os.path.relpath(snap, corpus))
            continue
        rel = os.path.relpath(snap, corpus)
        if old is None:
            failures.append("%s: missing snapshot (run tests/corpus/run.py --update)" % rel)
            continue
        expected = [k for k, _ in old]
        if expected != actual:
            diff = difflib.unified_diff([k + "\n" for k in expected], [k + "\n" for k in actual],
                                        "expected " + rel, "actual (pipec lint)", n=1)
            failures.append("%s: findings changed\n%s" % (rel, "".join(diff).rstrip("\n")))
        for key in unreviewed(old):
            failures.append("%s: no review (`  # TRUE: ...` or `  # FALSE: ...`) for: %s" % (rel, key))

    # Snapshots of repositories that are no longer in the corpus.
    if not args.repo:
        for vendor in present:
            sdir = os.path.join(corpus, "snapshots", vendor)
            have = set(dirs[vendor])
            for f in sorted(os.listdir(sdir)) if os.path.isdir(sdir) else []:
                if f.endswith(".txt") and f[:-4] not in have:
                    if args.update:
                        os.remove(os.path.join(sdir, f))
                        print("removed snapshots/%s/%s" % (vendor, f))
                    else:
                        failures.append("snapshots/%s/%s: repository not listed in SOURCES.tsv" % (vendor, f))

    total = len(results)
    if args.update:
        left = sum(len(unreviewed(parse_snapshot(snapshot_path(corpus, v, r)))) for (v, r), _ in results)
        print("%d repositories linted; %d warnings/errors need a review" % (total, left))
        return 0
    for f in failures:
        print("FAIL " + f)
    if failures:
        print("\n%d problem(s). If the change is intended: tests/corpus/run.py --pipec PIPEC --update,"
              " then review every `# UNREVIEWED` line." % len(failures))
        return 1
    print("corpus: %d repositories (%s), snapshots match, every warning and error reviewed" %
          (total, ", ".join(present)))
    return 0


def summary(args, corpus):
    per_rule = collections.defaultdict(collections.Counter)
    false_list = []
    repo_count = collections.Counter()
    file_count = collections.Counter()
    for vendor in args.vendors:
        sdir = os.path.join(corpus, "snapshots", vendor)
        dirs = repo_dirs(args, vendor)
        for snap in sorted(os.listdir(sdir)) if os.path.isdir(sdir) else []:
            repo = snap[:-len(".txt")]
            repo_count[vendor] += 1
            file_count[vendor] += len(args.sources[vendor].get(repo, []))
            entries = parse_snapshot(os.path.join(sdir, snap)) or []
            for key, comment in entries:
                m = FINDING.match(key)
                c = per_rule[(vendor, m.group("rule"))]
                c[m.group("level")] += 1
                if m.group("level") in NEEDS_REVIEW:
                    verdict = "UNREVIEWED"
                    if comment and comment.startswith(REVIEWED):
                        verdict = comment[2:].split(":", 1)[0]
                    c[verdict] += 1
                    if verdict == "FALSE":
                        false_list.append((vendor, repo, key, comment[len("# FALSE:"):].strip()))

    md = args.markdown
    counted = sum(c["warning"] + c["error"] for c in per_rule.values())
    false = sum(c["FALSE"] for c in per_rule.values())
    false_errors = sum(1 for _, _, k, _ in false_list if level_of(k) == "error")
    pending = sum(c["UNREVIEWED"] for c in per_rule.values())
    rate = 100.0 * false / counted if counted else 0.0
    head = ["Corpus: " + ", ".join("%s %d repositories, %d files" % (v, repo_count[v], file_count[v])
                                   for v in args.vendors)]
    head.append("Warnings+errors: %d; reviewed false: %d (%.1f%%), of them errors: %d; unreviewed: %d" %
                (counted, false, rate, false_errors, pending))
    print("\n\n".join(head) if md else "\n".join(head))
    print()
    cols = ("vendor", "rule", "errors", "warnings", "notes/infos", "false", "false rate")
    if md:
        print("| " + " | ".join(cols) + " |")
        print("|" + "---|" * len(cols))
    else:
        print("%-7s %-40s %6s %8s %11s %5s %10s" % cols)
    for (vendor, rule), c in sorted(per_rule.items()):
        ew = c["warning"] + c["error"]
        fr = "%.0f%%" % (100.0 * c["FALSE"] / ew) if ew else "-"
        row = (vendor, rule, c["error"], c["warning"], c["note"] + c["info"], c["FALSE"], fr)
        if md:
            print("| %s | `%s` | %d | %d | %d | %d | %s |" % row)
        else:
            print("%-7s %-40s %6d %8d %11d %5d %10s" % row)
    if false_list:
        # Grouped by the class the review names (`class b`, `new class: ...`), with where each is.
        groups = collections.defaultdict(list)
        for vendor, repo, key, why in false_list:
            m = CLASS.search(why)
            groups[(m.group(1) or m.group(2)) if m else "unclassified"].append((vendor, repo, key))
        print()
        print("False positives by class (count, rules, first places):" + ("\n" if md else ""))
        for cls, items in sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0])):
            rules = sorted({rule_of(k) for _, _, k in items})
            places = []
            for _, r, k in items:
                place = "%s/%s" % (r, k.rsplit(": ", 1)[0])
                if place not in places:
                    places.append(place)
            where = ", ".join(places[:3])
            print(("- %d × %s (`%s`): %s" if md else "  %4d  %s  [%s]  %s") %
                  (len(items), cls, ", ".join(rules), where))
        if args.list_false:
            print()
            for vendor, repo, key, why in false_list:
                print(("- `%s/%s/%s`: %s" if md else "  %s/%s/%s: %s") % (vendor, repo, key, why))
    return 0


def show(args, corpus):
    for vendor in args.vendors:
        for repo in args.show:
            rdir = next((os.path.join(d, vendor, repo) for d in args.data
                         if os.path.isdir(os.path.join(d, vendor, repo))), None)
            if not rdir:
                continue
            for key, d in finding_lines(lint(args.pipec, rdir, vendor)):
                print("%s/%s  %s\n    %s" % (vendor, repo, key, d.get("message", "")))
                for n in d.get("notes") or []:
                    print("      note: %s" % n.get("message", ""))
    return 0


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--pipec", help="the pipec binary")
    ap.add_argument("--corpus", default=HERE, help="where snapshots/ is (default: this script's folder)")
    ap.add_argument("--data", action="append",
                    help="a folder holding gitlab/ and/or github/ corpus folders; repeatable (default:"
                         " $PIPEC_CORPUS_DIR, then this script's folder)")
    ap.add_argument("--vendor", choices=VENDORS, help="only this vendor (default: both)")
    ap.add_argument("--repo", action="append", help="only this corpus folder (owner__repo); repeatable")
    ap.add_argument("--update", action="store_true", help="rewrite the snapshots")
    ap.add_argument("--summary", action="store_true", help="counts per rule and the false-positive rate")
    ap.add_argument("--markdown", action="store_true", help="--summary as Markdown (docs/lint.md)")
    ap.add_argument("--list-false", action="store_true", help="--summary also lists every false positive")
    ap.add_argument("--show", action="append", metavar="NAME", help="print NAME's findings with messages")
    ap.add_argument("-j", "--jobs", type=int, default=2, help="pipec processes at once (default 2)")
    args = ap.parse_args(argv)
    args.vendors = [args.vendor] if args.vendor else list(VENDORS)
    try:
        args.sources = sources(args.corpus)
    except ValueError as e:
        print("FAIL %s" % e)
        return 1
    if not args.data:
        args.data = [d for d in (os.environ.get("PIPEC_CORPUS_DIR"), args.corpus) if d]
    if args.summary:
        return summary(args, args.corpus)
    if not args.pipec:
        ap.error("--pipec is required")
    args.pipec = os.path.abspath(args.pipec)
    if args.show:
        return show(args, args.corpus)
    try:
        return check_or_update(args, args.corpus)
    except (RuntimeError, ValueError, subprocess.TimeoutExpired) as e:
        print("FAIL %s" % e)
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
