"""Drafting claims from a new article: find every checkable statement, judge it against the
dataset, and write a draft ledger a person can confirm.

Imported only by the `draft` command: its parsing libraries (text2num, price-parser and,
for HTML, inscriptis) stay out of `import iwf_stats`, `validate` and `check`.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Any

from ..dataset import Dataset
from .matching import Drafter
from .reading import read_article, sentences
from .statement import Statement


@dataclass(frozen=True)
class Draft:
    document: str
    statements: tuple[Statement, ...]

    def summary(self) -> dict[str, int]:
        c = Counter(s.verdict for s in self.statements)
        return {"statements": len(self.statements), "supported": c["supported"],
                "contradicted": c["contradicted"], "unverifiable": c["unverifiable"]}

    def to_json(self) -> dict[str, Any]:
        return {"document": self.document, "statements": [s.to_json() for s in self.statements],
                "summary": self.summary()}


def draft(ds: Dataset, text: str, document: str = "article", published: date | None = None) -> Draft:
    """Every checkable statement in `text`, each with a verdict against `ds`.

    `document` names the article in the drafted claims; when it is a source in sources.csv
    (the seed article is `seed_article`), its recorded date places "last week"; `published`
    gives the date otherwise."""
    from .context import publishers_named

    drafter = Drafter(ds, document, published)
    drafter.words.only_publishers = publishers_named(ds, text)
    return Draft(document, tuple(drafter.statements(sentences(text))))


__all__ = ["Draft", "Statement", "draft", "read_article", "sentences"]
