#!/usr/bin/env python3
"""pipec's own output must lint clean: builds every example and every template of every stdlib
module (each in a pipeline of its own, as a user would start with it: sample values for the
parameters without a default, a file secret where the template documents one) to both
vendors, runs `pipec lint` on every generated GitLab and GitHub file, and prints each finding;
every GitHub workflow must also carry a top-level `permissions:` and use only actions/* actions.
The last line is `linted N file(s) of M pipeline(s): E error(s), W warning(s)`."""
import argparse
import glob
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from validate_outputs import SAMPLE, required_params  # noqa: E402

TEMPLATE = re.compile(r"((?:^#[^\n]*\n)*)^template\s+([A-Za-z_][A-Za-z0-9_-]*)\s*\((.*?)\)\s*(?::[^{\n]*)?\{",
                      re.M | re.S)


def template_pipelines(module_path):
    """(template name, pipeline text) for each template of a stdlib module."""
    name = os.path.splitext(os.path.basename(module_path))[0]
    text = open(module_path, encoding="utf-8").read()
    out = []
    for m in TEMPLATE.finditer(text):
        args = []
        for param, typ in required_params(m.group(3)):
            value = SAMPLE.get(typ, '"sample"')
            # The parameter's own comment says whether it wants a file secret.
            doc = re.search(r"((?:^\s*#[^\n]*\n)*)^\s*" + re.escape(param) + r"\s*:", m.group(3), re.M)
            if typ == "secret" and doc and "file secret" in doc.group(1):
                value = "PIPEC_SAMPLE_FILE"
            args.append(f"{param}: {value}")
        lines = [f"pipeline std_{name}_{m.group(2)} version 1", f"import std/{name}", "on push",
                 "secret PIPEC_SAMPLE_SECRET masked", "secret PIPEC_SAMPLE_FILE file", "",
                 f"job use_{m.group(2)} : {name}.{m.group(2)}({', '.join(args)}) {{ }}"]
        out.append((m.group(2), "\n".join(lines) + "\n"))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pipec", required=True)
    ap.add_argument("--stdlib", default="")
    ap.add_argument("sources", nargs="*")
    args = ap.parse_args()
    args.pipec = os.path.abspath(args.pipec)
    root = tempfile.mkdtemp(prefix="pipec-lint-own-")
    pipelines = []  # (label, source)
    for s in args.sources:
        if os.path.basename(s) == "broken.pipe":
            continue  # the example of compile errors: nothing to build
        pipelines.append((os.path.relpath(s, os.path.dirname(os.path.dirname(s))), s))
    if args.stdlib:
        for module in sorted(glob.glob(os.path.join(args.stdlib, "*.pipe"))):
            base = os.path.splitext(os.path.basename(module))[0]
            for template, text in template_pipelines(module):
                wrapper = os.path.join(root, f"std_{base}_{template}.pipe")
                with open(wrapper, "w") as out:
                    out.write(text)
                pipelines.append((f"std/{base}.{template}", wrapper))
    errors = warnings = files = 0
    for n, (label, source) in enumerate(pipelines):
        out = os.path.join(root, "p%03d" % n)
        r = subprocess.run([args.pipec, "build", source, "--target", "all", "-o", out],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if r.returncode != 0:
            print(f"FAIL {label}: pipec build\n{r.stdout}")
            errors += 1
            continue
        targets = [(".gitlab-ci.yml", "gitlab")] if os.path.exists(os.path.join(out, ".gitlab-ci.yml")) else []
        targets += [(os.path.relpath(w, out), "github")
                    for w in sorted(glob.glob(os.path.join(out, ".github/workflows/*.yml")))]
        for rel, vendor in targets:
            files += 1
            r = subprocess.run([args.pipec, "lint", "--vendor", vendor, rel], cwd=out,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            found = 0
            for line in r.stdout.splitlines():
                m = re.match(r"^(?:\S+:\d+:\d+|pipec): (error|warning): ", line)
                if m:
                    print(f"{label}: {vendor}: {line}")
                    found += 1
                    errors += m.group(1) == "error"
                    warnings += m.group(1) == "warning"
            if r.returncode != 0 and found == 0:  # a crash or a usage problem, not a finding
                print(f"FAIL {label}: pipec lint {rel} exited {r.returncode}\n{r.stdout}")
                errors += 1
            if vendor == "github":
                # Least privilege and first-party actions only (issue 16): a top-level
                # `permissions:` and no `uses:` outside actions/* (local ./ workflows are ours).
                with open(os.path.join(out, rel)) as f:
                    text = f.read()
                if not re.search(r"^permissions:", text, re.M):
                    print(f"{label}: {vendor}: {rel}: error: no top-level permissions:")
                    errors += 1
                for used in re.findall(r"^\s*(?:- )?uses: *(\S+)", text, re.M):
                    if not used.startswith(("actions/", "./")):
                        print(f"{label}: {vendor}: {rel}: error: uses a third-party action: {used}")
                        errors += 1
    print(f"linted {files} file(s) of {len(pipelines)} pipeline(s): {errors} error(s), {warnings} warning(s)")


if __name__ == "__main__":
    main()
