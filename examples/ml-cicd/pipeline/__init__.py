"""The hat classifier's training pipeline: data loading, a logistic model, metrics."""
