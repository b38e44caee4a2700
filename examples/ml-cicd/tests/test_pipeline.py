"""Unit tests of the training pipeline (python -m unittest discover -s tests -p 'test_pipeline.py')."""
import json
import os
import tempfile
import unittest

from pipeline import fetch_data, train
from pipeline.data import load_csv, split
from pipeline.metrics import evaluate
from pipeline.model import LogisticModel

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "..", "data", "hats.csv")


class DataTest(unittest.TestCase):
    def test_loads_bundled_dataset(self):
        xs, ys, names = load_csv(DATA)
        self.assertEqual(names, ["crown_cm", "brim_cm", "weight_g"])
        self.assertEqual(len(xs), 240)
        self.assertEqual(set(ys), {0, 1})

    def test_split_is_deterministic_and_disjoint(self):
        xs, ys = [[float(i)] for i in range(10)], [i % 2 for i in range(10)]
        tx, _, vx, _ = split(xs, ys)
        self.assertEqual(vx, [[0.0], [5.0]])
        self.assertEqual(len(tx) + len(vx), 10)

    def test_rejects_bad_label(self):
        with tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False) as f:
            f.write("a,is_top_hat\n1.0,2\n")
        self.addCleanup(os.remove, f.name)
        with self.assertRaisesRegex(ValueError, "must be 0 or 1"):
            load_csv(f.name)


class ModelTest(unittest.TestCase):
    def test_learns_a_separable_problem(self):
        xs = [[float(i)] for i in range(-10, 11) if i]
        ys = [int(x[0] > 0) for x in xs]
        model = LogisticModel.fit(xs, ys, ["x"], epochs=200)
        self.assertEqual([model.predict(x) for x in xs], ys)
        self.assertEqual(evaluate(model, xs, ys)["accuracy"], 1.0)

    def test_round_trips_through_json(self):
        model = LogisticModel.fit([[0.0], [1.0]], [0, 1], ["x"], epochs=5)
        again = LogisticModel.from_dict(json.loads(json.dumps(model.to_dict())))
        self.assertAlmostEqual(again.predict_proba([0.7]), model.predict_proba([0.7]))

    def test_feature_count_is_checked(self):
        model = LogisticModel(["a", "b"], [0, 0], [1, 1], [1, 1], 0)
        with self.assertRaisesRegex(ValueError, "expected 2 features"):
            model.predict_proba([1.0])


class TrainTest(unittest.TestCase):
    def test_training_beats_chance_on_held_out_rows(self):
        _, metrics = train.train(DATA, epochs=100, learning_rate=0.5)
        self.assertGreater(metrics["accuracy"], 0.6)
        self.assertLess(metrics["log_loss"], 0.69)

    def test_fetch_needs_kaggle_credentials(self):
        saved = {k: os.environ.pop(k, None) for k in ("KAGGLE_USERNAME", "KAGGLE_KEY")}
        self.addCleanup(lambda: os.environ.update({k: v for k, v in saved.items() if v is not None}))
        with tempfile.TemporaryDirectory() as d:
            self.assertEqual(fetch_data.main([d]), 1)
            os.environ.update(KAGGLE_USERNAME="demo", KAGGLE_KEY="demo", KAGGLE_MIRROR=os.path.dirname(DATA))
            self.addCleanup(os.environ.pop, "KAGGLE_MIRROR", None)
            self.assertEqual(fetch_data.main([d]), 0)
            self.assertTrue(os.path.exists(os.path.join(d, "hats.csv")))


if __name__ == "__main__":
    unittest.main()
