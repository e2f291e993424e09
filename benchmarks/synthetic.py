"""Synthetic datasets for the loader's scaling benchmark: the shipped data plus N generated
observations that pass every check (distinct categories of the hosting series)."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def make(folder: Path, n: int) -> Path:
    """Copy data/ to `folder` and add `n` valid observations; return the folder."""
    if folder.exists():
        shutil.rmtree(folder)
    shutil.copytree(REPO / "data", folder)
    with (folder / "observations.csv").open("a", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        for i in range(n):
            text = f"{i:,}"
            w.writerow(["webpages_actioned_by_hosting_country", 2024, f"Synthetic place {i}", i, text,
                        "exact", "iwf_adir_2024_hosting", "URLs", f"Synthetic place {i} | {text} | 0%", ""])
    return folder
