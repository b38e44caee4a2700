"""Serves the current model: GET /health, POST /predict {"crown_cm": .., "brim_cm": .., "weight_g": ..}.

usage: python -m api.app [--port 8080] [--model api/model/model.json]
"""
import argparse
import json
import os
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))  # the pipeline package ships next to the API

from pipeline.model import LogisticModel  # noqa: E402

DEFAULT_MODEL = os.path.join(HERE, "model", "model.json")


def load_model(path=DEFAULT_MODEL):
    with open(path) as f:
        return LogisticModel.from_dict(json.load(f))


def predict(model, payload):
    """Validates a request body and returns the response body."""
    if not isinstance(payload, dict):
        raise ValueError("the body must be a JSON object")
    missing = [n for n in model.names if n not in payload]
    if missing:
        raise ValueError(f"missing features: {', '.join(missing)}")
    try:
        x = [float(payload[n]) for n in model.names]
    except (TypeError, ValueError):
        raise ValueError("features must be numbers") from None
    p = model.predict_proba(x)
    return {"is_top_hat": p >= 0.5, "probability": round(p, 4)}


def make_handler(model):
    class Handler(BaseHTTPRequestHandler):
        def _reply(self, code, body):
            data = json.dumps(body).encode()
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self):
            if self.path == "/health":
                self._reply(200, {"status": "ok", "features": model.names})
            else:
                self._reply(404, {"error": "not found"})

        def do_POST(self):
            if self.path != "/predict":
                return self._reply(404, {"error": "not found"})
            try:
                length = int(self.headers.get("Content-Length", "0"))
                self._reply(200, predict(model, json.loads(self.rfile.read(length) or b"null")))
            except ValueError as e:  # json.JSONDecodeError is a ValueError too
                self._reply(400, {"error": str(e)})

        def log_message(self, fmt, *args):
            pass

    return Handler


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--port", type=int, default=8080)
    ap.add_argument("--model", default=DEFAULT_MODEL)
    args = ap.parse_args(argv)
    server = ThreadingHTTPServer(("127.0.0.1", args.port), make_handler(load_model(args.model)))
    print(f"serving on http://127.0.0.1:{args.port}")
    server.serve_forever()


if __name__ == "__main__":
    main()
