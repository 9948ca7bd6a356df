"""Entry point: `python -m rates_service`. Validates the environment, then serves until SIGTERM."""

from __future__ import annotations

import signal
import sys

from .app import State, create_app
from .config import ConfigError, load_config


def main() -> int:
    try:
        config = load_config()
    except ConfigError as err:
        print(f"rates: {err}", file=sys.stderr)
        return 1

    import uvicorn  # imported after validation so a bad setting costs no import time

    state = State()

    class Server(uvicorn.Server):
        def handle_exit(self, sig: int, frame) -> None:  # type: ignore[override]
            state.draining = True  # /healthz answers 503 until the listener closes
            super().handle_exit(sig, frame)

    # uvicorn re-raises a captured SIGTERM/SIGINT with the handler that was in place before it
    # started; with the default handler the process would die by the signal (exit 143) after a
    # clean shutdown. A no-op handler makes a graceful stop exit 0.
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: None)

    server = Server(
        uvicorn.Config(
            create_app(state),
            host=config.host,
            port=config.port,
            log_level=config.log_level,
            proxy_headers=False,
            server_header=False,
            timeout_graceful_shutdown=config.shutdown_timeout_seconds,
            lifespan="off",
        )
    )
    server.run()
    # uvicorn exits 1 itself when it cannot bind; getting here means a clean stop.
    return 0 if server.started else 1


if __name__ == "__main__":
    sys.exit(main())
