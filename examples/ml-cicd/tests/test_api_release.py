"""Unit tests of the image build and deploy tools."""
import json
import os
import shutil
import tempfile
import unittest

from tools import build_image, deploy

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


class ImageTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, self.tmp)
        self.cwd = os.getcwd()
        os.chdir(ROOT)
        self.addCleanup(os.chdir, self.cwd)

    def test_same_sources_same_digest(self):
        a, _ = build_image.build("hat-api", ["api", "pipeline"], os.path.join(self.tmp, "a.tar.gz"), "r1")
        b, _ = build_image.build("hat-api", ["api", "pipeline"], os.path.join(self.tmp, "b.tar.gz"), "r1")
        self.assertEqual(a, b)
        self.assertTrue(a.startswith("sha256:"))

    def test_deploy_unpacks_smoke_tests_and_switches_current(self):
        image = os.path.join(self.tmp, "api.tar.gz")
        build_image.build("hat-api", ["api", "pipeline"], image, "r1")
        record = os.path.join(self.tmp, "release.json")
        release = deploy.deploy(image, "staging", os.path.join(self.tmp, "envs"), record)
        current = os.path.join(self.tmp, "envs", "staging", "current")
        self.assertEqual(os.path.realpath(current), os.path.realpath(release["path"]))
        self.assertTrue(os.path.exists(os.path.join(current, "rootfs", "api", "model", "model.json")))
        with open(record) as f:
            self.assertEqual(json.load(f)["environment"], "staging")


if __name__ == "__main__":
    unittest.main()
