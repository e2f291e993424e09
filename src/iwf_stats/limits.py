"""Limits on the size of what the tool reads, so a huge or hostile input stops at once with a
clean error instead of running for minutes or exhausting memory.

Each limit is far above what the published data needs (the largest shipped file is a few
kilobytes; the longest quote a few hundred characters) and is stated in the README.
`IWF_STATS_MAX_FILE_MB` raises the per-file limit, for the loader's scaling benchmark.
"""

from __future__ import annotations

import os

#: Largest data file (CSV, TOML, JSON, source text) read, in bytes: 20 MiB by default.
MAX_FILE_BYTES = int(float(os.environ.get("IWF_STATS_MAX_FILE_MB", "20")) * (1 << 20))
#: Largest claims ledger, in bytes: 2 MiB (today's 37 claims take 19 KiB).
MAX_LEDGER_BYTES = 2 << 20
#: Longest single field (a CSV cell or a value in the ledger), in characters.
MAX_FIELD_CHARS = 10_000
#: Most claims a ledger may hold.
MAX_CLAIMS = 2_000
#: Most charts the chart catalogue (charts.toml) may hold.
MAX_CHARTS = 1_000
#: Deepest nesting of tables/arrays in the ledger or of objects in datapackage.json.
MAX_NESTING = 16
#: Longest figure as written or stated ("more than 36.2 million" is 22).
MAX_FIGURE_CHARS = 60
