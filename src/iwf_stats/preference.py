"""The documented rule that picks one preferred value where sources disagree.

Every published value is kept; this rule only says which one the charts and claims use
by default. A figure its publisher has corrected (`superseded_by`) is kept but never
preferred. Otherwise, in order, a value is preferred when its source is:

1. the more authoritative kind of document: the publisher's own report, then its press
   releases and blogs, then parliament's record, legislation, third-party pages, and last
   a newspaper article (a report is edited and final; a release is written for the day);
2. from the more authoritative publisher: the IWF and public bodies before third parties
   (a third party's copy is where transcription errors creep in: 57,338 for 57,335);
3. exact rather than rounded;
4. published more recently (a later page may carry a corrected figure); undated last;
5. and finally, to make the choice reproducible, the smaller source id.
"""

from __future__ import annotations

from collections.abc import Mapping

from .records import Observation, Publisher, Source

KIND_RANK = {
    "primary_report": 0,
    "press_release": 1,
    "parliamentary_record": 2,
    "legislation": 3,
    "secondary": 4,
    "newspaper_article": 5,
}
PUBLISHER_RANK = {
    "charity": 0,
    "parliament": 0,
    "government": 0,
    "public_body": 0,
    "press": 1,
    "secondary": 2,
}


def preference_key(o: Observation, sources: Mapping[str, Source],
                   publishers: Mapping[str, Publisher]) -> tuple[int, int, int, int, int, str]:
    """Sort key: the smallest key is the preferred observation."""
    s = sources[o.source_id]
    published = s.date_published.toordinal() if s.date_published else 0
    return (
        0 if o.superseded_by is None else 1,
        KIND_RANK[s.kind],
        PUBLISHER_RANK[publishers[s.publisher_id].publisher_type],
        0 if o.rounding == "exact" else 1,
        -published,
        o.source_id,
    )


def why_preferred(best: Observation, other: Observation, sources: Mapping[str, Source],
                  publishers: Mapping[str, Publisher]) -> str:
    """The first step of the rule that separates two observations, in words."""
    if other.superseded_by is not None:
        return f"superseded by {other.superseded_by} on {other.superseded_on}"
    if best.value == other.value:
        return "agrees with the preferred value"
    a, b = sources[best.source_id], sources[other.source_id]
    if KIND_RANK[a.kind] != KIND_RANK[b.kind]:
        return f"a {a.kind.replace('_', ' ')} outranks a {b.kind.replace('_', ' ')}"
    pa = publishers[a.publisher_id].publisher_type
    pb = publishers[b.publisher_id].publisher_type
    if PUBLISHER_RANK[pa] != PUBLISHER_RANK[pb]:
        return f"{publishers[a.publisher_id].name} outranks a third party ({publishers[b.publisher_id].name})"
    if best.rounding != other.rounding:
        return "exact outranks rounded"
    if a.date_published != b.date_published:
        return "published more recently"
    return "same rank: smaller source id"
