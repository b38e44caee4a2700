"""Deploys a tarball image to an environment directory, the offline stand-in for a Heroku release.

usage: python tools/deploy.py --image dist/hat-api.tar.gz --env staging --root DIR [--record release.json]

The image is unpacked into DIR/ENV/releases/<digest>/, smoke-tested there (the API loads its model
and answers a prediction), and only then made current by swapping the DIR/ENV/current symlink
atomically. The newest 5 releases are kept.
"""
import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tarfile

KEEP = 5
SMOKE = ("import json, api.app as a; m = a.load_model(); "
         "print(json.dumps(a.predict(m, {n: 1.0 for n in m.names})))")


def deploy(image, env, root, record=None):
    with open(image, "rb") as f:
        digest = hashlib.sha256(f.read()).hexdigest()
    releases = os.path.join(root, env, "releases")
    target = os.path.join(releases, digest[:12])
    staging = target + ".new"
    shutil.rmtree(staging, ignore_errors=True)
    os.makedirs(staging)
    with tarfile.open(image) as tar:
        for m in tar.getmembers():
            if not m.isfile() or m.name.startswith("/") or ".." in m.name.split("/"):
                raise ValueError(f"{image}: refusing entry {m.name!r}")
        tar.extractall(staging)
    with open(os.path.join(staging, "manifest.json")) as f:
        manifest = json.load(f)
    for path, want in manifest["files"].items():
        with open(os.path.join(staging, "rootfs", path), "rb") as f:
            if hashlib.sha256(f.read()).hexdigest() != want:
                raise ValueError(f"{image}: {path} does not match the manifest")
    smoke = subprocess.run([sys.executable, "-c", SMOKE], cwd=os.path.join(staging, "rootfs"),
                           capture_output=True, text=True, timeout=60)
    if smoke.returncode:
        raise RuntimeError(f"smoke test failed:\n{smoke.stderr}")
    shutil.rmtree(target, ignore_errors=True)
    os.replace(staging, target)
    link = os.path.join(root, env, "current")
    tmp = link + ".tmp"
    if os.path.lexists(tmp):
        os.remove(tmp)
    os.symlink(os.path.relpath(target, os.path.dirname(link)), tmp)
    os.replace(tmp, link)
    old = sorted((os.path.join(releases, d) for d in os.listdir(releases)), key=os.path.getmtime)
    for d in old[:-KEEP]:
        if os.path.realpath(d) != os.path.realpath(link):
            shutil.rmtree(d, ignore_errors=True)
    release = {"environment": env, "image": manifest["name"], "revision": manifest["revision"],
               "digest": "sha256:" + digest, "path": os.path.abspath(target),
               "smoke_test": json.loads(smoke.stdout)}
    if record:
        os.makedirs(os.path.dirname(record) or ".", exist_ok=True)
        with open(record, "w") as f:
            json.dump(release, f, indent=2, sort_keys=True)
            f.write("\n")
    return release


def main(argv=None):
    ap = argparse.ArgumentParser(description="Deploy a tarball image to an environment directory.")
    ap.add_argument("--image", required=True)
    ap.add_argument("--env", required=True)
    ap.add_argument("--root", required=True)
    ap.add_argument("--record")
    args = ap.parse_args(argv)
    try:
        release = deploy(args.image, args.env, args.root, args.record)
    except (OSError, ValueError, RuntimeError, tarfile.TarError) as e:
        print(f"deploy: {e}", file=sys.stderr)
        return 1
    print(f"deploy: {release['image']} {release['digest'][:19]} is live in {args.env}: {release['path']}")
    print(f"deploy: smoke test answered {json.dumps(release['smoke_test'])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
