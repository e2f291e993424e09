"""The date a site carries, chosen so that the same inputs always give the same pages.

Never the clock: `SOURCE_DATE_EPOCH` when it is set (the reproducible-builds convention, used
by packagers to stamp a release), otherwise the publication date of the latest source in the
data, which changes only when the data do.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime

from ..dataset import Dataset
from ..errors import DataError, Problem

ENV = "SOURCE_DATE_EPOCH"


@dataclass(frozen=True)
class Dated:
    day: date | None  # None: no source carries a publication date
    from_env: bool  # True: SOURCE_DATE_EPOCH; False: the latest source's publication date

    @property
    def words(self) -> str:
        """'9 May 2025'."""
        return f"{self.day.day} {self.day:%B %Y}" if self.day else "undated"

    @property
    def iso(self) -> str:
        return self.day.isoformat() if self.day else ""

    @property
    def sentence(self) -> str:
        if self.day is None:
            return "Undated: no source carries a publication date."
        if self.from_env:
            return f"Built {self.words}."
        return f"Dated {self.words}, the publication date of the latest source."


def site_date(ds: Dataset, environ: Mapping[str, str] | None = None) -> Dated:
    """The site's date; `DataError` when SOURCE_DATE_EPOCH is set but not a whole number of
    seconds (an empty value counts as unset)."""
    env = os.environ if environ is None else environ
    raw = env.get(ENV, "").strip()
    if raw:
        if not raw.isascii() or not raw.isdigit() or len(raw) > 12:
            raise DataError([Problem("environment", 0, ENV,
                                     f"must be a whole number of seconds since 1970-01-01 UTC, got {raw[:40]!r}")])
        return Dated(datetime.fromtimestamp(int(raw), tz=UTC).date(), True)
    dates = [s.date_published for s in ds.sources.values() if s.date_published is not None]
    return Dated(max(dates) if dates else None, False)
