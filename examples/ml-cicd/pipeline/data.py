"""Loads the hats dataset (a CSV of numeric features and a 0/1 label) and splits it."""
import csv

LABEL = "is_top_hat"


def load_csv(path):
    """Returns (features, labels, feature_names) from a CSV with a header row."""
    with open(path, newline="") as f:
        reader = csv.DictReader(f)
        if reader.fieldnames is None or LABEL not in reader.fieldnames:
            raise ValueError(f"{path}: expected a header with a {LABEL!r} column")
        names = [n for n in reader.fieldnames if n != LABEL]
        xs, ys = [], []
        for line, row in enumerate(reader, start=2):
            try:
                xs.append([float(row[n]) for n in names])
                ys.append(int(row[LABEL]))
            except (TypeError, ValueError) as e:
                raise ValueError(f"{path}:{line}: {e}") from None
            if ys[-1] not in (0, 1):
                raise ValueError(f"{path}:{line}: {LABEL} must be 0 or 1")
    if not xs:
        raise ValueError(f"{path}: no rows")
    return xs, ys, names


def split(xs, ys, every=5):
    """A deterministic hold-out split: every `every`-th row is a test row."""
    train = [(x, y) for i, (x, y) in enumerate(zip(xs, ys)) if i % every]
    test = [(x, y) for i, (x, y) in enumerate(zip(xs, ys)) if not i % every]
    return ([x for x, _ in train], [y for _, y in train], [x for x, _ in test], [y for _, y in test])
