"""Settings read from the environment, validated once at start-up."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Mapping

LOG_LEVELS = ("critical", "error", "warning", "info", "debug")


class ConfigError(ValueError):
    """A bad environment value; its message is the one line printed at start-up."""


@dataclass(frozen=True)
class Config:
    host: str = "0.0.0.0"
    port: int = 8080
    log_level: str = "info"
    shutdown_timeout_seconds: int = 8


def _int_in_range(env: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return default
    text = raw.strip()
    if not (text.isascii() and text.isdigit()):
        raise ConfigError(f"{name} must be an integer from {low} to {high}, got {raw!r}")
    value = int(text)
    if not low <= value <= high:
        raise ConfigError(f"{name} must be an integer from {low} to {high}, got {raw!r}")
    return value


def load_config(env: Mapping[str, str] | None = None) -> Config:
    """Reads HOST, PORT, LOG_LEVEL and SHUTDOWN_TIMEOUT_SECONDS; raises ConfigError on a bad value."""
    env = os.environ if env is None else env
    host = env.get("HOST", "").strip() or "0.0.0.0"
    if any(c.isspace() for c in host) or "/" in host:
        raise ConfigError(f"HOST must be a host name or IP address, got {env.get('HOST')!r}")
    port = _int_in_range(env, "PORT", 8080, 1, 65535)
    log_level = (env.get("LOG_LEVEL", "").strip() or "info").lower()
    if log_level not in LOG_LEVELS:
        raise ConfigError(f"LOG_LEVEL must be one of {', '.join(LOG_LEVELS)}, got {env.get('LOG_LEVEL')!r}")
    timeout = _int_in_range(env, "SHUTDOWN_TIMEOUT_SECONDS", 8, 1, 300)
    return Config(host=host, port=port, log_level=log_level, shutdown_timeout_seconds=timeout)
