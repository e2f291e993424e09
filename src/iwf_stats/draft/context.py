"""What a sentence is about: the series it names, the years it names (and in what role), and
the subjects of the facts it touches (the IWF, the inquiry, the Online Safety Act).

The words that name a series come from the dataset itself, each series' title and every
source's own wording for it ("reports assessed", "URLs", "webpages"), weighted by how few
series share them, so a new series brings its own words with it.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import cache

from ..dataset import Dataset
from ..records import Fact

_TOKEN = re.compile(r"[a-z][a-z-]*[a-z]|[a-z]")
_STOP = {"of", "and", "the", "per", "cent", "incl", "inc", "by", "in", "a", "an", "or", "with", "to", "as",
         "including", "excluding", "were", "was", "is", "are", "number", "total"}
# A year right after these words is the base of a comparison ("an increase from 2022").
_BASE = re.compile(r"(?:\bfrom|\bon|\bsince|\bthan|\bcompared (?:with|to)|\bover|\bversus|\bvs\.?)\s+(?:the\s+)?$",
                   re.IGNORECASE)
_YEAR = re.compile(r"(?<![\w.,£$€-])(19[89]\d|20\d\d)(?![\w%-]|[.,]\d)")


def tokens(text: str) -> set[str]:
    """Lower-case words, singular ("reports" → "report"), "web pages" as "webpage"."""
    t = re.sub(r"\bweb[ -]pages?\b", "webpage", text.lower())
    out = set()
    for w in _TOKEN.findall(t):
        if w in _STOP:
            continue
        out.add(w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w)
    return out


def acronyms(text: str) -> set[str]:
    """"Independent Inquirty into Child Sex Abuse" → "iicsa"; "Online Safety Act" → "osa";
    and written acronyms ("IWF", "IICSA") as they are."""
    out = {w.lower() for w in re.findall(r"\b[A-Z]{2,}\b", text)}
    for run in re.finditer(r"(?:\b[A-Z][\w’'-]*(?:\s+(?:of|into|for|on|and)\b)?\s+){1,}[A-Z][\w’'-]*", text):
        initials = "".join(w[0] for w in run.group().split() if w[0].isupper())
        # every tail of the run: "The Online Safety Act" is also "Online Safety Act" → "osa"
        out.update(initials[i:].lower() for i in range(len(initials) - 1))
    return out


@dataclass(frozen=True)
class YearMention:
    year: int
    start: int
    base: bool  # the base of a comparison ("from 2018"), not the year a figure describes


def years(sentence: str) -> list[YearMention]:
    return [YearMention(int(m.group(1)), m.start(), bool(_BASE.search(sentence[:m.start()])))
            for m in _YEAR.finditer(sentence)]


def clause_bounds(sentence: str, pos: int) -> tuple[int, int]:
    """The clause around a position: between commas, semicolons, dashes and brackets; not
    at the comma that groups a number's digits ("of the 132,676 webpages actioned")."""
    marks = [m.start() for m in re.finditer(r"(?<!\d),|,(?!\d)|[;:()–—]| - ", sentence)]
    start = max([m for m in marks if m < pos], default=-1) + 1
    end = min([m for m in marks if m >= pos], default=len(sentence))
    return start, end


class SeriesWords:
    """Which series a sentence names, judged by the words the dataset uses for each.

    A series whose title has a word no other series uses in its title, wording or definition
    ("assessed", "self-generated", "AI-generated", "hosting") is a narrower one: the text must
    use one of its own words (title or a source's wording, "processed") to name it. A series
    without such a word (webpages actioned) is named by any of its words. Narrower series named
    outrank general ones; then the more of a series' words the text uses, the better.
    """

    def __init__(self, ds: Dataset) -> None:
        titles = {s.series_id: tokens(s.title) for s in ds.series.values()}
        self.titles = titles
        defs = {s.series_id: tokens(s.definition) for s in ds.series.values()}
        # Words of the subject itself ("child", "sexual", "abuse") name no series: those in
        # several definitions that no title and no unit uses.
        in_defs = Counter(t for d in defs.values() for t in d)
        named_by = set().union(*titles.values(), *(tokens(s.counts) for s in ds.series.values()))
        generic = {t for t, n in in_defs.items() if n >= 3 and t not in named_by}
        words: dict[str, set[str]] = {}
        for s in ds.series.values():
            own = titles[s.series_id] | tokens(s.counts) if s.unit == "count" else titles[s.series_id]
            for w in s.wordings:
                own |= tokens(w)
            words[s.series_id] = own - generic
        df = Counter(w for ws in words.values() for w in ws)
        self.weights = {sid: {w: 1 / df[w] for w in ws} for sid, ws in words.items()}

        units = {s.series_id: s.unit == "percent" for s in ds.series.values()}

        publisher = {s.series_id: s.publisher_id for s in ds.series.values()}
        counted = {s.series_id: s.counts for s in ds.series.values()}

        def elsewhere(sid: str) -> set[str]:
            """Words other series of the same kind (counts, or percentages) use, among those
            a text could confuse with this one: the same publisher's series counting the same
            thing ("reports", "webpages"), leaving out those narrower than this one (whose
            titles hold all of its title's words: "Report Remove reports assessed" within
            "reports assessed"), as their use of a word does not make it general. Another
            publisher's wording ("images and videos processed" at INHOPE), or a series of
            images that the IWF "assessed", tells nothing about which of the IWF's report
            series a text means; the publisher is told apart by its name."""
            return set().union(*(titles[o] | defs[o] | words[o] for o in words
                                 if o != sid and units[o] == units[sid] and publisher[o] == publisher[sid]
                                 and counted[o] == counted[sid] and not titles[sid] < titles[o]))

        self.qualifiers: dict[str, set[str]] = {}
        for sid in words:
            other = elsewhere(sid)
            if titles[sid] - other:
                self.qualifiers[sid] = words[sid] - other
        # A series by category (hosting country) is named by its categories, not by "hosting".
        by_category = {o.series_id for o in ds.observations if o.category}
        for sid in by_category:
            self.qualifiers[sid] = set()
        for o in ds.observations:
            if o.category:
                names = {t for t in tokens(o.category) if len(t) > 3}  # not "top", "ten"
                self.qualifiers[o.series_id] |= names
                self.weights[o.series_id].update(dict.fromkeys(names, 1.0))
        self.units = {s.series_id: s.unit for s in ds.series.values()}
        self.publisher = publisher
        #: When the article names the publishers whose figures it reports (the IWF, NCMEC…),
        #: only their series are candidates: hotlines' figures are never confused.
        self.only_publishers: frozenset[str] = frozenset()
        self.size = Counter(o.series_id for o in ds.observations)
        self.categories = {o.category.lower(): o.category for o in ds.observations if o.category}

    def scores(self, text: str, percent: bool) -> dict[str, tuple[int, float]]:
        found = tokens(text)
        out = {}
        for sid, ws in self.weights.items():
            if (self.units[sid] == "percent") != percent or not self._allowed(sid):
                continue
            narrow = sid in self.qualifiers
            if narrow and not (self.qualifiers[sid] & found):
                continue
            score = sum(w for t, w in ws.items() if t in found)
            if score > 0:
                out[sid] = (int(narrow), score)
        return out

    def named(self, text: str, percent: bool = False) -> list[str]:
        """The series the text names most strongly (several on a tie, the one with the most
        published figures first)."""
        sc = self.scores(text, percent)
        if not sc:
            return []
        best = max(sc.values())
        tied = [s for s, v in sc.items() if v[0] == best[0] and abs(v[1] - best[1]) < 1e-9]
        return sorted(tied, key=lambda s: (-self.size[s], s))  # on a tie, the series with most figures

    def related(self, text: str, percent: bool = False) -> list[str]:
        """Every series that shares a word with the text, narrow or not: when the text says
        only "reports", a figure may be any series counted in reports."""
        found = tokens(text)
        return sorted(sid for sid, ws in self.weights.items()
                      if (self.units[sid] == "percent") == percent and found & set(ws) and self._allowed(sid))

    def _allowed(self, sid: str) -> bool:
        return not self.only_publishers or self.publisher[sid] in self.only_publishers

    def category(self, text: str) -> str:
        """The category the text names, the longest that fits ("boys only", not "boys")."""
        low = text.lower()
        return next((c for k, c in sorted(self.categories.items(), key=lambda kc: (-len(kc[0]), kc[0]))
                     if k in low), "")


def publishers_named(ds: Dataset, text: str) -> frozenset[str]:
    """The publishers of series that the text names, by name or by short credit ("IWF")."""
    owners = {s.publisher_id for s in ds.series.values()}
    found = set()
    for pid in owners:
        pub = ds.publishers[pid]
        if re.search(rf"\b{re.escape(pub.attribution)}\b", text) or pub.name.lower() in text.lower():
            found.add(pid)
    return frozenset(found)


@cache
def _subject(topic: str) -> str:
    return topic.split("_")[0]


def subject_facts(ds: Dataset, text: str) -> list[Fact]:
    """Facts whose subject (the first word of the topic: "iwf", "iicsa", "osa") the text
    names, in words or as an acronym."""
    names = tokens(text) | acronyms(text)
    return [f for f in ds.facts.values() if _subject(f.topic) in names]
