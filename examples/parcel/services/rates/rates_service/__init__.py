"""Rates: quotes shipping rates over HTTP (Starlette on uvicorn)."""
