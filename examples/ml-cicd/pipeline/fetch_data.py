"""Fetches the training data the way the Kaggle CLI does: with KAGGLE_USERNAME and KAGGLE_KEY.

This example runs offline, so the "download" reads the dataset from a local mirror directory
(KAGGLE_MIRROR, default: data/) instead of kaggle.com; the credentials are still required, so a
pipeline that forgets to bind them fails here exactly as it would against the real service.
"""
import hashlib
import os
import shutil
import sys

DATASET = "hats.csv"


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    dest = argv[0] if argv else "work/data"
    missing = [v for v in ("KAGGLE_USERNAME", "KAGGLE_KEY") if not os.environ.get(v)]
    if missing:
        print(f"fetch_data: {' and '.join(missing)} not set; bind the Kaggle secrets in the job's env",
              file=sys.stderr)
        return 1
    mirror = os.environ.get("KAGGLE_MIRROR", "data")
    src = os.path.join(mirror, DATASET)
    os.makedirs(dest, exist_ok=True)
    out = os.path.join(dest, DATASET)
    shutil.copyfile(src, out)
    with open(out, "rb") as f:
        digest = hashlib.sha256(f.read()).hexdigest()
    print(f"fetch_data: {DATASET} from {mirror}/ -> {out} (sha256 {digest[:12]})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
