"""Builds a reproducible tarball "image" of some directories, the offline stand-in for `docker build`.

usage: python tools/build_image.py --name NAME --out dist/NAME.tar.gz SRC [SRC...]

The archive holds the sources and a manifest.json (name, revision, every file's sha256); entries
are sorted with fixed owners and times, so the same sources always give the same bytes. The
digest (sha256 of the archive) is printed and written to OUT.digest.
"""
import argparse
import gzip
import hashlib
import io
import json
import os
import sys
import tarfile

SKIP_DIRS = {"__pycache__", ".pytest_cache"}


def collect(sources):
    files = []
    for src in sources:
        if os.path.isfile(src):
            files.append(os.path.normpath(src))
            continue
        if not os.path.isdir(src):
            raise FileNotFoundError(f"no such file or directory: {src}")
        for dirpath, dirnames, filenames in os.walk(src):
            dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS)
            files.extend(os.path.normpath(os.path.join(dirpath, f)) for f in filenames if not f.endswith(".pyc"))
    return sorted(set(files))


def _add(tar, name, data, mode=0o644):
    info = tarfile.TarInfo(name)
    info.size, info.mode, info.mtime = len(data), mode, 0
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    tar.addfile(info, io.BytesIO(data))


def build(name, sources, out, revision):
    files = collect(sources)
    manifest = {"name": name, "revision": revision, "files": {}}
    blobs = {}
    for path in files:
        with open(path, "rb") as f:
            blobs[path] = f.read()
        manifest["files"][path] = hashlib.sha256(blobs[path]).hexdigest()
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tar:
        _add(tar, "manifest.json", (json.dumps(manifest, indent=2, sort_keys=True) + "\n").encode())
        for path in files:
            _add(tar, "rootfs/" + path, blobs[path], 0o755 if os.access(path, os.X_OK) else 0o644)
    os.makedirs(os.path.dirname(out) or ".", exist_ok=True)
    with open(out, "wb") as f:
        with gzip.GzipFile(filename="", mode="wb", fileobj=f, mtime=0) as gz:
            gz.write(raw.getvalue())
    with open(out, "rb") as f:
        digest = "sha256:" + hashlib.sha256(f.read()).hexdigest()
    with open(out + ".digest", "w") as f:
        f.write(digest + "\n")
    return digest, len(files)


def main(argv=None):
    ap = argparse.ArgumentParser(description="Build a reproducible tarball image.")
    ap.add_argument("--name", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("sources", nargs="+")
    args = ap.parse_args(argv)
    revision = os.environ.get("CI_COMMIT_SHA", "local")
    try:
        digest, count = build(args.name, args.sources, args.out, revision)
    except OSError as e:
        print(f"build_image: {e}", file=sys.stderr)
        return 1
    print(f"build_image: {args.name} ({count} files) -> {args.out} {digest}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
