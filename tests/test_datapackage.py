"""The data package is valid for a real validator, and in step with the record models."""

from __future__ import annotations

import frictionless

from iwf_stats import load
from iwf_stats.datapackage import descriptor, render, sources_entries

from conftest import DATA


def test_frictionless_validates_the_package() -> None:
    report = frictionless.validate(str(DATA / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "message"])


def test_frictionless_catches_a_broken_row(data_copy) -> None:  # type: ignore[no-untyped-def]
    path = data_copy / "observations.csv"
    path.write_text(path.read_text().replace(",291273,", ",-291273,", 1))
    report = frictionless.validate(str(data_copy / "datapackage.json"))
    assert not report.valid
    assert "constraint-error" in {e[0] for e in report.flatten(["type"])}


def test_committed_descriptor_is_the_generated_one() -> None:
    ds = load(DATA)
    expected = render(descriptor(sources_entries(ds)))
    assert (DATA / "datapackage.json").read_text(encoding="utf-8") == expected
