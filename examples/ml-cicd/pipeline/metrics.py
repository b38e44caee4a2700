"""Classification metrics for 0/1 labels."""
import math


def evaluate(model, xs, ys):
    probs = [model.predict_proba(x) for x in xs]
    preds = [int(p >= 0.5) for p in probs]
    tp = sum(1 for p, y in zip(preds, ys) if p == 1 and y == 1)
    fp = sum(1 for p, y in zip(preds, ys) if p == 1 and y == 0)
    fn = sum(1 for p, y in zip(preds, ys) if p == 0 and y == 1)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    eps = 1e-12
    loss = -sum(y * math.log(max(p, eps)) + (1 - y) * math.log(max(1 - p, eps)) for p, y in zip(probs, ys)) / len(ys)
    return {
        "accuracy": round(sum(1 for p, y in zip(preds, ys) if p == y) / len(ys), 6),
        "precision": round(precision, 6),
        "recall": round(recall, 6),
        "f1": round(f1, 6),
        "log_loss": round(loss, 6),
        "test_rows": len(ys),
    }
