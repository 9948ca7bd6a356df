"""Pure pricing rules: a quote from a weight and a destination zone."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Mapping

MAX_WEIGHT_KG = 70.0

# Zone -> (base price, price per started half kilogram, transit days), in euro cents.
ZONES: dict[str, tuple[int, int, int]] = {
    "domestic": (450, 60, 2),
    "europe": (990, 140, 4),
    "world": (1990, 310, 8),
}


class QuoteError(ValueError):
    """A bad query; its message is returned to the client with a 400."""


@dataclass(frozen=True)
class Quote:
    zone: str
    weight_kg: float
    billable_kg: float
    price_cents: int
    transit_days: int

    def to_json(self) -> dict:
        return {
            "zone": self.zone,
            "weight_kg": self.weight_kg,
            "billable_kg": self.billable_kg,
            "currency": "EUR",
            "price_cents": self.price_cents,
            "price": f"{self.price_cents // 100}.{self.price_cents % 100:02d}",
            "transit_days": self.transit_days,
        }


def quote(weight_kg: float, zone: str) -> Quote:
    if zone not in ZONES:
        raise QuoteError(f"zone must be one of {', '.join(ZONES)}")
    if not math.isfinite(weight_kg) or weight_kg <= 0 or weight_kg > MAX_WEIGHT_KG:
        raise QuoteError(f"weight_kg must be a number greater than 0 and at most {MAX_WEIGHT_KG:g}")
    base, per_half_kg, days = ZONES[zone]
    halves = math.ceil(weight_kg * 2)
    return Quote(zone, weight_kg, halves / 2, base + per_half_kg * halves, days)


def quote_from_query(params: Mapping[str, str]) -> Quote:
    """Parses ?weight_kg=..&zone=.. and returns a quote, or raises QuoteError."""
    raw_weight = params.get("weight_kg")
    raw_zone = params.get("zone")
    if raw_weight is None or raw_zone is None:
        raise QuoteError("query parameters weight_kg and zone are required")
    try:
        weight = float(raw_weight)
    except ValueError:
        raise QuoteError("weight_kg must be a number") from None
    return quote(weight, raw_zone.strip().lower())
