#!/usr/bin/env python3
"""Rebuilds the corpus data folder from git mirrors of the listed repositories.

The corpus configs are data read in place (see README.md), so a new machine has to
restore them: bring each repository of SOURCES.tsv as a git directory (the session's
`fetch`, or `git clone --mirror`), then run

    python3 tests/corpus/restore.py --mirrors /work/.mirror --out ../shared/corpus

A mirror is looked up as <mirrors>/<owner>+<name>/repo (or .../repo/.git). Each file is
copied byte for byte from the commit SOURCES.tsv records; a missing repository or commit
is reported and makes the exit status 1, the other files are still written.
"""
import argparse
import os
import subprocess
import sys


def git_dir(mirrors, repo):
    base = os.path.join(mirrors, repo.replace("/", "+"), "repo")
    for candidate in (os.path.join(base, ".git"), base):
        if os.path.isdir(candidate) and os.path.exists(os.path.join(candidate, "HEAD")):
            return candidate
    return None


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mirrors", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--sources", default=os.path.join(here, "SOURCES.tsv"))
    args = parser.parse_args()
    failed = 0
    written = 0
    with open(args.sources, encoding="utf-8") as sources:
        for line in sources:
            fields = line.rstrip("\n").split("\t")
            if len(fields) < 4 or line.startswith("#"):
                continue
            local, repo, path, commit = fields[:4]
            gdir = git_dir(args.mirrors, repo)
            if gdir is None:
                print(f"missing mirror: {repo}", file=sys.stderr)
                failed += 1
                continue
            blob = subprocess.run(["git", "--git-dir", gdir, "cat-file", "-p", f"{commit}:{path}"],
                                  capture_output=True)
            if blob.returncode != 0:
                print(f"missing {repo}@{commit[:12]}:{path}: {blob.stderr.decode().strip()}",
                      file=sys.stderr)
                failed += 1
                continue
            target = os.path.join(args.out, local)
            os.makedirs(os.path.dirname(target), exist_ok=True)
            with open(target, "wb") as out:
                out.write(blob.stdout)
            written += 1
    print(f"restored {written} files, {failed} missing")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
