"""The hat classifier's HTTP API."""
