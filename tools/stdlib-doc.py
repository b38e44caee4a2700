#!/usr/bin/env python3
"""Writes docs/stdlib.md from the doc comments of stdlib/*.pipe, or checks that it is current.

usage: tools/stdlib-doc.py [--check] [--root DIR]

A module's doc is its leading `#` comment block; a template's doc is the comment block right
above `template NAME(`; a parameter's doc is the comment block right above it. Every template
and every parameter must have one: a missing doc is an error, so the page cannot fall behind.
"""
import argparse
import difflib
import glob
import os
import re
import sys

TEMPLATE = re.compile(r"^template\s+([A-Za-z_][A-Za-z0-9_-]*)\s*\(")
PARAM = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_-]*)\s*:\s*([^=,]+?)\s*(?:=\s*(.+?))?\s*,?\s*$")
OUT = re.compile(r"^\s*out\s+([A-Za-z_][A-Za-z0-9_-]*)\s*:\s*(\w+)\s+(?:from\s+)?(\"[^\"]*\")")
BASE = re.compile(r"^\)\s*(?::\s*([A-Za-z_][A-Za-z0-9_.]*)\s*\(.*\))?\s*\{")

HEADER = """# Standard library

`import std/NAME` loads a module that ships inside pipec; its templates are then used as
`job J : NAME.TEMPLATE(param: value) {{ ... }}`. Arguments are named and typed; parameters
with a default may be left out. A job's own `run` items replace the template's, `env` and
`matrix` merge by key, and `needs`, `in` and `out` add up (see [language.md](language.md)).
Secrets are passed to `secret` parameters by name (`password: REGISTRY_TOKEN`) and reach
the job only through its environment.

This page is generated from the modules' doc comments by `tools/stdlib-doc.py`; a lit test
(`tests/lit/stdlib/docs.test`) fails when it is out of date.

Modules: {modules}.
"""


class DocError(Exception):
    pass


def take_comment(lines, i):
    """The `#` block that ends right above line i, as text (without the `# `)."""
    block = []
    j = i - 1
    while j >= 0 and lines[j].strip().startswith("#"):
        block.append(lines[j].strip()[1:].strip())
        j -= 1
    return "\n".join(reversed(block)).strip()


def module_doc(lines):
    """The leading comment block as Markdown: prose joined into one paragraph, and lines indented
    after the `#` (examples) kept as a code block."""
    prose, code = [], []
    for line in lines:
        if not line.startswith("#"):
            break
        text = line[1:]
        if text.startswith("   ") and text.strip():
            code.append(text[3:])
        elif text.strip():
            prose.append(text.strip())
    doc = re.sub(r"^std/\S+:\s*", "", " ".join(prose))
    doc = doc[:1].upper() + doc[1:]
    if code:
        doc += "\n\n```pipe\n" + "\n".join(code) + "\n```"
    return doc


def parse(path):
    name = os.path.splitext(os.path.basename(path))[0]
    with open(path, encoding="utf-8") as f:
        lines = f.read().splitlines()
    mod = {"name": name, "doc": module_doc(lines), "templates": [], "caches": []}
    i = 0
    while i < len(lines):
        line = lines[i]
        m = re.match(r"^cache\s+([A-Za-z_][A-Za-z0-9_-]*)", line)
        if m:
            mod["caches"].append((m.group(1), take_comment(lines, i)))
        m = TEMPLATE.match(line)
        if not m:
            i += 1
            continue
        tmpl = {"name": m.group(1), "doc": take_comment(lines, i), "params": [], "base": None, "outs": []}
        if not tmpl["doc"]:
            raise DocError(f"{path}:{i + 1}: template {tmpl['name']} has no doc comment")
        i += 1
        while i < len(lines):
            stripped = lines[i].strip()
            b = BASE.match(stripped)
            if b:
                tmpl["base"] = b.group(1)
                break
            if stripped and not stripped.startswith("#"):
                p = PARAM.match(lines[i])
                if not p:
                    raise DocError(f"{path}:{i + 1}: cannot read the parameter line {stripped!r}")
                doc = take_comment(lines, i)
                if not doc:
                    raise DocError(f"{path}:{i + 1}: parameter {p.group(1)} of {tmpl['name']} has no doc comment")
                tmpl["params"].append({"name": p.group(1), "type": p.group(2), "default": p.group(3), "doc": doc})
            i += 1
        while i < len(lines) and lines[i] != "}":  # the body, up to the closing brace at column 0
            o = OUT.match(lines[i])
            if o:
                tmpl["outs"].append((o.group(1), o.group(2), o.group(3)))
            i += 1
        mod["templates"].append(tmpl)
        i += 1
    return mod


def render(mods):
    out = [HEADER.format(modules=", ".join(f"[std/{m['name']}](#std{m['name']})" for m in mods))]
    for m in mods:
        out.append(f"## std/{m['name']}\n")
        out.append(m["doc"] + "\n")
        for name, doc in m["caches"]:
            out.append(f"Cache `{m['name']}.{name}`: {doc.replace(chr(10), ' ')}\n")
        for t in m["templates"]:
            sig = ", ".join(p["name"] for p in t["params"])
            out.append(f"### `{m['name']}.{t['name']}({sig})`\n")
            out.append(t["doc"].replace("\n", " ") + "\n")
            if t["base"]:
                out.append(f"Extends `{t['base']}`.\n")
            out.append("| parameter | type | default | meaning |")
            out.append("|---|---|---|---|")
            for p in t["params"]:
                default = "required" if p["default"] is None else f"`{p['default']}`"
                out.append(f"| `{p['name']}` | `{p['type']}` | {default} | {p['doc'].replace(chr(10), ' ')} |")
            if t["outs"]:
                outs = ", ".join(f"`{n}` ({k} `{p}`)" for n, k, p in t["outs"])
                out.append(f"\nOutputs: {outs}.")
            out.append("")
    return "\n".join(out).rstrip() + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="exit 1 and print a diff when the page is stale")
    ap.add_argument("--root", default=os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    args = ap.parse_args()
    try:
        mods = [parse(p) for p in sorted(glob.glob(os.path.join(args.root, "stdlib", "*.pipe")))]
    except DocError as e:
        print(f"stdlib-doc: {e}", file=sys.stderr)
        return 1
    text = render(mods)
    page = os.path.join(args.root, "docs", "stdlib.md")
    if args.check:
        old = open(page, encoding="utf-8").read() if os.path.exists(page) else ""
        if old != text:
            sys.stdout.writelines(difflib.unified_diff(old.splitlines(True), text.splitlines(True),
                                                       "docs/stdlib.md", "generated"))
            print("stdlib-doc: docs/stdlib.md is out of date; run tools/stdlib-doc.py", file=sys.stderr)
            return 1
        print("docs/stdlib.md is up to date")
        return 0
    with open(page, "w", encoding="utf-8") as f:
        f.write(text)
    print(f"wrote {page}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
