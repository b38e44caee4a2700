"""A logistic regression with standardised features, trained by batch gradient descent."""
import math


def _sigmoid(z):
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


class LogisticModel:
    def __init__(self, names, means, scales, weights, bias):
        self.names, self.means, self.scales = list(names), list(means), list(scales)
        self.weights, self.bias = list(weights), bias

    @classmethod
    def fit(cls, xs, ys, names, epochs=300, learning_rate=0.5):
        n, k = len(xs), len(names)
        means = [sum(x[j] for x in xs) / n for j in range(k)]
        scales = [math.sqrt(sum((x[j] - means[j]) ** 2 for x in xs) / n) or 1.0 for j in range(k)]
        model = cls(names, means, scales, [0.0] * k, 0.0)
        zs = [model._standardise(x) for x in xs]
        for _ in range(epochs):
            grad_w, grad_b = [0.0] * k, 0.0
            for z, y in zip(zs, ys):
                err = _sigmoid(sum(w * v for w, v in zip(model.weights, z)) + model.bias) - y
                grad_w = [g + err * v for g, v in zip(grad_w, z)]
                grad_b += err
            model.weights = [w - learning_rate * g / n for w, g in zip(model.weights, grad_w)]
            model.bias -= learning_rate * grad_b / n
        return model

    def _standardise(self, x):
        return [(v - m) / s for v, m, s in zip(x, self.means, self.scales)]

    def predict_proba(self, x):
        if len(x) != len(self.names):
            raise ValueError(f"expected {len(self.names)} features ({', '.join(self.names)}), got {len(x)}")
        z = self._standardise(x)
        return _sigmoid(sum(w * v for w, v in zip(self.weights, z)) + self.bias)

    def predict(self, x):
        return int(self.predict_proba(x) >= 0.5)

    def to_dict(self):
        return {"kind": "logistic", "features": self.names, "means": self.means, "scales": self.scales,
                "weights": self.weights, "bias": self.bias}

    @classmethod
    def from_dict(cls, d):
        if d.get("kind") != "logistic":
            raise ValueError(f"not a logistic model: kind={d.get('kind')!r}")
        return cls(d["features"], d["means"], d["scales"], d["weights"], d["bias"])
