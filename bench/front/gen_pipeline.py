#!/usr/bin/env python3
"""Generates an N-job .pipe file for benchmarks: chains of data edges, fan-in needs,
templates with arguments and (with --matrix) matrix jobs."""
import argparse


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("jobs", type=int)
    ap.add_argument("--matrix", action="store_true", help="every 10th job gets a 2x2 matrix")
    args = ap.parse_args()
    out = ["pipeline bench version 1", "on push branches [\"main\"]",
           "on schedule nightly cron \"0 3 * * *\"", "secret TOKEN masked", "var PY: string = \"3.11\"",
           "stages build, test, deploy",
           "template step(msg: string = \"hi\", n: int = 1) {",
           "  image \"python:${{ PY }}-slim\"", "  run \"echo ${{ msg }} ${{ n }}\"", "}"]
    stages = ["build", "test", "deploy"]
    for i in range(args.jobs):
        stage = stages[min(2, i * 3 // max(1, args.jobs))]
        body = [f"  stage {stage}"]
        if i % 3 == 1 and i > 0:
            body.append(f"  in a = j{i-1}.out")
        elif i % 3 == 2 and i > 1:
            body.append(f"  needs j{i-2}")
        if args.matrix and i % 10 == 5:
            body.append("  matrix { py: [\"3.10\", \"3.11\"], os: [\"a\", \"b\"] }")
        body.append(f"  out out: file \"out/{i}.txt\"")
        if i % 2 == 0:
            out.append(f"job j{i} : step(msg: \"job {i}\", n: {i}) {{")
        else:
            body.append(f"  run \"mkdir -p out && echo {i} > out/{i}.txt\"")
            out.append(f"job j{i} {{")
        out.extend(body)
        out.append("}")
    print("\n".join(out))


if __name__ == "__main__":
    main()
