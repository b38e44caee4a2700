#!/usr/bin/env python3
"""Tests of run.py (the corpus snapshot check) against a fake pipec that prints the JSON
report stored in the corpus folder as fake-report.json. Standard library only."""
import contextlib
import io
import json
import os
import stat
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import run  # noqa: E402

FAKE_PIPEC = """#!/usr/bin/env python3
import sys
sys.stdout.write(open("fake-report.json").read())
sys.exit(1)
"""


def diag(line, severity, name, path=".gitlab-ci.yml"):
    return {"id": "P0000", "name": name, "severity": severity, "message": "m",
            "range": {"file": path, "line": line, "column": 1}, "notes": []}


class RunTest(unittest.TestCase):

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.root = self.tmp.name
        self.pipec = os.path.join(self.root, "pipec")
        with open(self.pipec, "w") as f:
            f.write(FAKE_PIPEC)
        os.chmod(self.pipec, os.stat(self.pipec).st_mode | stat.S_IEXEC)
        self.repo = os.path.join(self.root, "data", "gitlab", "o__r")
        os.makedirs(self.repo)
        with open(os.path.join(self.repo, ".gitlab-ci.yml"), "w") as f:
            f.write("job:\n  script: [x]\n")
        with open(os.path.join(self.root, "SOURCES.tsv"), "w") as f:
            f.write("gitlab/o__r/.gitlab-ci.yml\to/r\t.gitlab-ci.yml\t%s\tMIT\n" % ("0" * 40))

    def tearDown(self):
        self.tmp.cleanup()

    def report(self, diags):
        with open(os.path.join(self.repo, "fake-report.json"), "w") as f:
            json.dump(diags, f)

    def snapshot(self):
        return os.path.join(self.root, "snapshots", "gitlab", "o__r.txt")

    def main(self, *extra):
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            code = run.main(["--pipec", self.pipec, "--corpus", self.root, "--data",
                             os.path.join(self.root, "data"), "--vendor", "gitlab", "-j", "1"] + list(extra))
        return code, out.getvalue()

    def write_snapshot(self, text):
        os.makedirs(os.path.dirname(self.snapshot()), exist_ok=True)
        with open(self.snapshot(), "w") as f:
            f.write(text)

    def test_missing_snapshot_fails(self):
        self.report([])
        code, out = self.main()
        self.assertEqual(code, 1)
        self.assertIn("missing snapshot", out)

    def test_update_marks_new_findings_and_keeps_reviews(self):
        self.report([diag(3, "error", "a"), diag(1, "warning", "b"), diag(2, "note", "c")])
        self.write_snapshot(".gitlab-ci.yml:3: error a\n  # TRUE: reviewed\n")
        code, _ = self.main("--update")
        self.assertEqual(code, 0)
        with open(self.snapshot()) as f:
            self.assertEqual(f.read(), ".gitlab-ci.yml:1: warning b\n  # UNREVIEWED\n"
                             ".gitlab-ci.yml:2: note c\n"
                             ".gitlab-ci.yml:3: error a\n  # TRUE: reviewed\n")
        code, out = self.main()
        self.assertEqual(code, 1)
        self.assertIn("no review", out)
        self.assertIn(".gitlab-ci.yml:1: warning b", out)

    def test_reviewed_snapshot_passes_and_change_prints_diff(self):
        self.report([diag(1, "warning", "b")])
        self.write_snapshot(".gitlab-ci.yml:1: warning b\n  # FALSE: because\n")
        code, out = self.main()
        self.assertEqual(code, 0, out)
        self.report([diag(2, "warning", "b")])
        code, out = self.main()
        self.assertEqual(code, 1)
        self.assertIn("-.gitlab-ci.yml:1: warning b", out)
        self.assertIn("+.gitlab-ci.yml:2: warning b", out)

    def test_empty_review_reason_is_not_a_review(self):
        self.report([diag(1, "error", "b")])
        self.write_snapshot(".gitlab-ci.yml:1: error b\n  # TRUE:\n")
        code, out = self.main()
        self.assertEqual(code, 1)
        self.assertIn("no review", out)

    def test_stale_snapshot_fails(self):
        self.report([])
        self.write_snapshot("")
        os.makedirs(os.path.join(self.root, "snapshots", "gitlab"), exist_ok=True)
        with open(os.path.join(self.root, "snapshots", "gitlab", "gone__away.txt"), "w") as f:
            f.write("")
        code, out = self.main()
        self.assertEqual(code, 1)
        self.assertIn("gone__away.txt: repository not listed in SOURCES.tsv", out)

    def test_listed_file_missing_from_data_fails(self):
        self.report([])
        self.write_snapshot("")
        with open(os.path.join(self.root, "SOURCES.tsv"), "a") as f:
            f.write("gitlab/o__r/ci/x.yml\to/r\tci/x.yml\t%s\tMIT\n" % ("0" * 40))
        code, out = self.main()
        self.assertEqual(code, 1)
        self.assertIn("listed in SOURCES.tsv but not in the data folders", out)
        self.assertIn("ci/x.yml", out)

    def test_unlisted_data_is_ignored(self):
        self.report([])
        self.write_snapshot("")
        os.makedirs(os.path.join(self.root, "data", "gitlab", "not__listed"))
        code, out = self.main()
        self.assertEqual(code, 0, out)

    def test_no_data_is_skipped(self):
        code, out = run.main(["--pipec", self.pipec, "--corpus", self.root, "--data",
                              os.path.join(self.root, "nothing"), "--vendor", "github"]), None
        self.assertEqual(code, run.SKIP)

    def test_summary_rate(self):
        self.write_snapshot(".gitlab-ci.yml:1: warning b\n  # FALSE: class a\n"
                            ".gitlab-ci.yml:2: error b\n  # TRUE: real\n"
                            ".gitlab-ci.yml:3: note c\n"
                            ".gitlab-ci.yml:4: warning d\n  # TRUE: real\n"
                            ".gitlab-ci.yml:5: warning d\n  # TRUE: real\n")
        code, out = self.main("--summary")
        self.assertEqual(code, 0)
        self.assertIn("Warnings+errors: 4; reviewed false: 1 (25.0%)", out)
        self.assertIn("1  a  [b]  o__r/.gitlab-ci.yml:1", out)
        code, out = self.main("--summary", "--list-false")
        self.assertIn("gitlab/o__r/.gitlab-ci.yml:1: warning b: class a", out)

    def test_crash_fails(self):
        with open(self.pipec, "w") as f:
            f.write("#!/bin/sh\nkill -SEGV $$\n")
        self.write_snapshot("")
        code, out = self.main()
        self.assertEqual(code, 1)
        self.assertIn("failed", out)


if __name__ == "__main__":
    unittest.main()
