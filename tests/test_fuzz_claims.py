"""Random damage to the claims ledger never makes its parser fail but with `DataError`."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from iwf_stats import DataError, load
from iwf_stats.claims import Ledger, load_ledger

from conftest import DATA, TODAY

DATASET = load(DATA, today=TODAY)
LINES = (DATA / "claims.toml").read_text(encoding="utf-8").splitlines()

values = st.one_of(
    st.text(max_size=20),
    st.sampled_from(['"x"', "1", "-3", "2099", "true", "[]", "{}", '{ fact = "nope" }', '{ year = 1 }',
                     '"supported"', '"value"', '"record"', '"nearly"', '"£"', '"nine per cent"', "1e400",
                     '"""', "'", "[[claim]]", "= =", '"\\u00"']),
)


@st.composite
def damaged_ledger(draw: st.DrawFn) -> str:
    lines = list(LINES)
    for _ in range(draw(st.integers(1, 5))):
        i = draw(st.integers(0, len(lines) - 1))
        action = draw(st.sampled_from(["value", "value", "delete", "duplicate", "insert"]))
        if action == "value" and " = " in lines[i]:
            key = lines[i].split(" = ", 1)[0]
            lines[i] = f"{key} = {draw(values)}"
        elif action == "delete":
            lines.pop(i)
        elif action == "duplicate":
            lines.insert(i, lines[i])
        elif action == "insert":
            lines.insert(i, draw(values))
    return "\n".join(lines)


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(damaged_ledger())
def test_damaged_ledger_gives_a_ledger_or_a_clean_error_list(text: str) -> None:
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "claims.toml"
        path.write_text(text, encoding="utf-8")
        try:
            ledger = load_ledger(DATASET, path)
        except DataError as e:
            assert e.problems
            for p in e.problems:
                assert p.field and p.message and p.line >= 1
        else:
            assert isinstance(ledger, Ledger)
            from iwf_stats.claims import check

            check(DATASET, ledger)  # a valid ledger must also evaluate without error
