"""The claims ledger and the engine that reproduces each claim from the dataset.

Claims know nothing of charts; charts may ask claims for a computed figure.
"""

from .engine import CheckReport, ClaimResult, check, evaluate
from .ledger import Ledger, load_ledger
from .models import Claim

__all__ = ["CheckReport", "Claim", "ClaimResult", "Ledger", "check", "evaluate", "load_ledger"]
