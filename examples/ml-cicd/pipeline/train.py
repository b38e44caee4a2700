"""Trains the hat classifier. Writes the model (JSON) to $MODEL_PATH and metrics to $METRICS_PATH.

usage: python -m pipeline.train [DATASET_CSV]   (default: work/data/hats.csv)
"""
import json
import os
import sys

from pipeline.data import load_csv, split
from pipeline.metrics import evaluate
from pipeline.model import LogisticModel


def train(dataset, epochs, learning_rate):
    xs, ys, names = load_csv(dataset)
    train_x, train_y, test_x, test_y = split(xs, ys)
    model = LogisticModel.fit(train_x, train_y, names, epochs=epochs, learning_rate=learning_rate)
    metrics = evaluate(model, test_x, test_y)
    metrics["train_rows"] = len(train_y)
    return model, metrics


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    dataset = argv[0] if argv else "work/data/hats.csv"
    model_path = os.environ.get("MODEL_PATH", "model.json")
    metrics_path = os.environ.get("METRICS_PATH", "metrics.json")
    epochs = int(os.environ.get("EPOCHS", "300"))
    model, metrics = train(dataset, epochs, float(os.environ.get("LEARNING_RATE", "0.5")))
    for path, data in ((model_path, model.to_dict()), (metrics_path, metrics)):
        os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
        with open(path, "w") as f:
            json.dump(data, f, indent=2, sort_keys=True)
            f.write("\n")
    print(f"train: {epochs} epochs on {metrics['train_rows']} rows; "
          f"accuracy {metrics['accuracy']}, f1 {metrics['f1']} on {metrics['test_rows']} held-out rows")
    return 0


if __name__ == "__main__":
    sys.exit(main())
