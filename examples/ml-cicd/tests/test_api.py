"""Unit tests of the API (python -m unittest discover -s tests -p 'test_api.py')."""
import json
import threading
import unittest
import urllib.error
import urllib.request
from http.server import ThreadingHTTPServer

from api import app


class PredictTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.model = app.load_model()

    def test_model_serves_the_expected_features(self):
        self.assertEqual(self.model.names, ["crown_cm", "brim_cm", "weight_g"])

    def test_predicts_a_probability(self):
        out = app.predict(self.model, {"crown_cm": 18, "brim_cm": 4.5, "weight_g": 210})
        self.assertTrue(0.0 <= out["probability"] <= 1.0)
        self.assertIsInstance(out["is_top_hat"], bool)

    def test_rejects_missing_and_bad_features(self):
        with self.assertRaisesRegex(ValueError, "missing features: weight_g"):
            app.predict(self.model, {"crown_cm": 1, "brim_cm": 2})
        with self.assertRaisesRegex(ValueError, "must be numbers"):
            app.predict(self.model, {"crown_cm": "x", "brim_cm": 2, "weight_g": 3})


class ServerTest(unittest.TestCase):
    def setUp(self):
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), app.make_handler(app.load_model()))
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.addCleanup(self.server.server_close)
        self.addCleanup(self.server.shutdown)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"

    def test_health_and_predict(self):
        with urllib.request.urlopen(self.base + "/health", timeout=10) as r:
            self.assertEqual(json.load(r)["status"], "ok")
        body = json.dumps({"crown_cm": 12, "brim_cm": 7, "weight_g": 150}).encode()
        with urllib.request.urlopen(urllib.request.Request(self.base + "/predict", data=body), timeout=10) as r:
            self.assertIn("probability", json.load(r))

    def test_bad_request_is_400(self):
        req = urllib.request.Request(self.base + "/predict", data=b"{not json")
        with self.assertRaises(urllib.error.HTTPError) as e:
            urllib.request.urlopen(req, timeout=10)
        self.assertEqual(e.exception.code, 400)


if __name__ == "__main__":
    unittest.main()
