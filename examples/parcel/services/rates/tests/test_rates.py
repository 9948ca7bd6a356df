"""Standard-library tests: pricing rules, settings, the ASGI app (driven without an HTTP client)
and the start-up error path. Run from services/rates: python -m unittest discover -s tests -t ."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import unittest
from pathlib import Path

from rates_service.app import State, create_app
from rates_service.config import ConfigError, load_config
from rates_service.quotes import QuoteError, quote, quote_from_query

SERVICE_DIR = Path(__file__).resolve().parent.parent


def call(app, method: str, path: str, query: str = "") -> tuple[int, dict, dict]:
    """Sends one request through the ASGI interface; returns status, headers and JSON body."""
    messages: list[dict] = []

    async def receive() -> dict:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict) -> None:
        messages.append(message)

    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method,
        "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": query.encode(),
        "root_path": "", "headers": [(b"host", b"test")], "client": ("127.0.0.1", 1),
        "server": ("test", 80),
    }
    asyncio.run(app(scope, receive, send))
    start = next(m for m in messages if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in messages if m["type"] == "http.response.body")
    headers = {k.decode(): v.decode() for k, v in start["headers"]}
    return start["status"], headers, json.loads(body)


class QuoteTests(unittest.TestCase):
    def test_price_rounds_up_to_half_kilograms(self) -> None:
        q = quote(1.2, "domestic")
        self.assertEqual(q.billable_kg, 1.5)
        self.assertEqual(q.price_cents, 450 + 3 * 60)
        self.assertEqual(q.to_json()["price"], "6.30")

    def test_bad_queries(self) -> None:
        for params in ({}, {"weight_kg": "1"}, {"weight_kg": "x", "zone": "eu"},
                       {"weight_kg": "0", "zone": "world"}, {"weight_kg": "71", "zone": "world"},
                       {"weight_kg": "nan", "zone": "world"}, {"weight_kg": "1", "zone": "mars"}):
            with self.subTest(params=params), self.assertRaises(QuoteError):
                quote_from_query(params)


class ConfigTests(unittest.TestCase):
    def test_defaults(self) -> None:
        config = load_config({})
        self.assertEqual((config.host, config.port, config.log_level), ("0.0.0.0", 8080, "info"))

    def test_bad_values(self) -> None:
        for env in ({"PORT": "http"}, {"PORT": "0"}, {"PORT": "65536"}, {"PORT": "-1"},
                    {"LOG_LEVEL": "loud"}, {"SHUTDOWN_TIMEOUT_SECONDS": "0"}, {"HOST": "a b"}):
            with self.subTest(env=env), self.assertRaises(ConfigError):
                load_config(env)


class AppTests(unittest.TestCase):
    def setUp(self) -> None:
        self.state = State()
        self.app = create_app(self.state)

    def test_healthz(self) -> None:
        self.assertEqual(call(self.app, "GET", "/healthz")[::2], (200, {"status": "ok"}))
        self.state.draining = True
        self.assertEqual(call(self.app, "GET", "/healthz")[0], 503)

    def test_rates(self) -> None:
        status, _, body = call(self.app, "GET", "/rates", "weight_kg=2&zone=europe")
        self.assertEqual(status, 200)
        self.assertEqual(body["price_cents"], 990 + 4 * 140)
        status, _, body = call(self.app, "GET", "/rates", "weight_kg=heavy&zone=europe")
        self.assertEqual((status, body["error"]), (400, "bad_request"))

    def test_unknown_path_and_wrong_method(self) -> None:
        status, _, body = call(self.app, "GET", "/nope")
        self.assertEqual((status, body["error"]), (404, "not_found"))
        status, headers, body = call(self.app, "POST", "/rates")
        self.assertEqual((status, body["error"]), (405, "method_not_allowed"))
        self.assertIn("GET", headers.get("allow", ""))


class StartupTests(unittest.TestCase):
    def test_bad_port_is_one_line_and_exit_1(self) -> None:
        env = {**os.environ, "PORT": "eighty"}
        proc = subprocess.run([sys.executable, "-m", "rates_service"], cwd=SERVICE_DIR, env=env,
                              capture_output=True, text=True, timeout=30)
        self.assertEqual(proc.returncode, 1)
        self.assertEqual(proc.stderr.strip().splitlines(),
                         ["rates: PORT must be an integer from 1 to 65535, got 'eighty'"])


if __name__ == "__main__":
    unittest.main()
