#!/usr/bin/env python3
"""Writes a .gitlab-ci.yml with N jobs (default 5,000) for `pipec lint` timing: 5 stages, a
hidden template with anchors, `extends`, needs on the previous stage, artifacts, variables."""
import sys

n = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
stages = ["build", "test", "package", "scan", "deploy"]
out = ["stages: [%s]" % ", ".join(stages), "", "variables:", "  GLOBAL: \"1\"", "",
       ".base: &base", "  image: alpine:3.19", "  tags: [docker]", "  before_script:", "    - echo setup", ""]
per_stage = n // len(stages)
for i in range(n):
    s = min(i // per_stage, len(stages) - 1)
    out.append("job_%d:" % i)
    out.append("  <<: *base")
    out.append("  stage: %s" % stages[s])
    if i % 3 == 0:
        out.append("  extends: .base")
    if s > 0:
        prev = (s - 1) * per_stage + (i % per_stage)
        out.append("  needs: [{job: job_%d, artifacts: true}]" % prev)
    out.append("  variables: {N: \"%d\"}" % i)
    out.append("  script:")
    out.append("    - make target_%d" % i)
    out.append("    - echo done $N")
    out.append("  artifacts:")
    out.append("    paths: [out/%d/]" % i)
    out.append("    expire_in: 1 week")
    out.append("")
sys.stdout.write("\n".join(out))
