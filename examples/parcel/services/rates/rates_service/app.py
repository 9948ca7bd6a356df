"""The ASGI application: routes, JSON errors and the draining flag read by /healthz."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from .quotes import QuoteError, quote_from_query


class State:
    """Process state shared with the server: draining turns /healthz into a 503."""

    draining = False


async def healthz(request: Request) -> JSONResponse:
    if request.app.state.service.draining:
        return JSONResponse({"status": "draining"}, status_code=503)
    return JSONResponse({"status": "ok"})


async def rates(request: Request) -> JSONResponse:
    try:
        result = quote_from_query(request.query_params)
    except QuoteError as err:
        return JSONResponse({"error": "bad_request", "message": str(err)}, status_code=400)
    return JSONResponse(result.to_json())


async def http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    names = {404: "not_found", 405: "method_not_allowed"}
    return JSONResponse(
        {"error": names.get(exc.status_code, "http_error"), "message": exc.detail},
        status_code=exc.status_code,
        headers=exc.headers,
    )


def create_app(state: State | None = None) -> Starlette:
    app = Starlette(
        routes=[
            Route("/healthz", healthz, methods=["GET"]),
            Route("/rates", rates, methods=["GET"]),
        ],
        exception_handlers={HTTPException: http_error},
    )
    app.state.service = state or State()
    return app
