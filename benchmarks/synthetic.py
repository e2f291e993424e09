"""Synthetic datasets for the loader's scaling benchmark: the shipped data plus N generated
observations that pass every check (distinct categories of the hosting series), each with
its table row saved in the hosting source's text, as every quote must be."""

from __future__ import annotations

import csv
import hashlib
import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SOURCE = "iwf_adir_2024_hosting"
HEADER = "Host country | Number of reports"


def make(folder: Path, n: int) -> Path:
    """Copy data/ to `folder` and add `n` valid observations; return the folder."""
    if folder.exists():
        shutil.rmtree(folder)
    shutil.copytree(REPO / "data", folder)
    text = folder / "sources" / f"{SOURCE}.txt"
    with (folder / "observations.csv").open("a", newline="", encoding="utf-8") as f, \
            text.open("a", encoding="utf-8") as t:
        w = csv.writer(f, lineterminator="\n")
        for i in range(n):
            count = f"{i:,}"
            row = f"Synthetic place {i} | {count} | 0%"
            t.write(f"---\n{row} |\n")
            w.writerow(["webpages_actioned_by_hosting_country", 2024, f"Synthetic place {i}", i, count,
                        "exact", SOURCE, "Number of reports", f"{HEADER} … {row}", "", "", ""])
    _rehash(folder, hashlib.sha256(text.read_bytes()).hexdigest())
    return folder


def _rehash(folder: Path, digest: str) -> None:
    path = folder / "sources.csv"
    with path.open(newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        header, rows = list(reader.fieldnames or []), list(reader)
    for r in rows:
        if r["source_id"] == SOURCE:
            r["text_sha256"] = digest
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, header, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
