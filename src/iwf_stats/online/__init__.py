"""Checking the sources online: do the publishers' pages still say what the dataset quotes?

`check_online` fetches every source's address (only on its publisher's own hosts) and
compares the page's text with the dataset's quotes and the saved passages
(`data/sources/<id>.txt`); `update.changes` and `update.write_changes` refresh those
passages from pages on which every quote still holds. Used by `iwf-stats sources check
--online`; nothing else in the project touches the network.
"""

from __future__ import annotations

from .check import OnlineReport, SourceCheck, check_online, quotes_by_source, read_saved_texts
from .fetching import FetchSettings

__all__ = ["FetchSettings", "OnlineReport", "SourceCheck", "check_online", "quotes_by_source", "read_saved_texts"]
