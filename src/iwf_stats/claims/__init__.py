"""The claims ledger and the engine that reproduces each claim from the dataset.

Claims know nothing of charts; charts may ask claims for a computed figure. The names below
are imported when first asked for: `iwf-stats validate` reads the ledger but never runs the
engine, and every module it does not import is time saved at each start.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .engine import CheckReport, ClaimResult, check, evaluate
    from .ledger import Ledger, load_ledger
    from .models import Claim

__all__ = ["CheckReport", "Claim", "ClaimResult", "Ledger", "check", "evaluate", "load_ledger"]

_WHERE = {"CheckReport": "engine", "ClaimResult": "engine", "check": "engine", "evaluate": "engine",
          "Ledger": "ledger", "load_ledger": "ledger", "Claim": "models"}


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f".{_WHERE[name]}", __name__), name)
    globals()[name] = value
    return value
