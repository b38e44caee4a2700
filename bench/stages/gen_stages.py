#!/usr/bin/env python3
"""Generates an N-job .pipe file for the stage-order benchmark: with --stages, the jobs are
spread over three stages without needs (GitLab's default form: each job waits for every job
of the earlier stages); without, the same jobs have no stage."""
import argparse


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("jobs", type=int)
    ap.add_argument("--stages", action="store_true")
    args = ap.parse_args()
    out = ["pipeline stages version 1", "on push"]
    stages = ["build", "test", "deploy"]
    if args.stages:
        out.append("stages " + ", ".join(stages))
    for i in range(args.jobs):
        stage = f" stage {stages[min(2, i * 3 // args.jobs)]}" if args.stages else ""
        out.append(f"job j{i} {{{stage} image \"alpine:3.19\" run \"echo {i}\" }}")
    print("\n".join(out))


if __name__ == "__main__":
    main()
