"""sitegen/memo.py: memos kept in .cache between runs."""
from __future__ import annotations

from datetime import date, datetime

import pytest

import sitegen.site.i18n as i18n
from sitegen.memo import Memo, PersistentMemo


def test_round_trip(tmp_path):
    path = tmp_path / "memo.pickle"
    table: dict = {}
    memo = PersistentMemo(path, "v1", table)
    assert not memo.grew
    table[(date(2021, 4, 5), "fr", "long")] = "5 avril 2021"
    assert memo.grew
    memo.save()
    again: dict = {}
    PersistentMemo(path, "v1", again)
    assert again == table


def test_nothing_new_writes_nothing(tmp_path):
    path = tmp_path / "memo.pickle"
    PersistentMemo(path, "v1", {}).save()
    assert not path.exists()


def test_keep_prunes_what_is_saved(tmp_path):
    path = tmp_path / "memo.pickle"
    table = {"old": 1}
    memo = PersistentMemo(path, "v1", table)
    table["new"] = 2
    memo.save(keep={"new"}.__contains__)
    again: dict = {}
    PersistentMemo(path, "v1", again)
    assert again == {"new": 2}


def test_another_version_is_ignored(tmp_path):
    path = tmp_path / "memo.pickle"
    table: dict = {}
    memo = PersistentMemo(path, "yaml 6.0", table)
    table["x"] = 1
    memo.save()
    again: dict = {}
    PersistentMemo(path, "yaml 7.0", again)
    assert again == {}


@pytest.mark.parametrize("damage", [b"", b"garbage", b"\x80\x05K\x01."])
def test_unreadable_file_is_an_empty_memo(tmp_path, damage):
    path = tmp_path / "memo.pickle"
    path.write_bytes(damage)
    table: dict = {}
    PersistentMemo(path, "v1", table)
    assert table == {}


def test_a_filled_table_is_not_reloaded(tmp_path):
    path = tmp_path / "memo.pickle"
    table = {"x": 1}
    memo = PersistentMemo(path, "v1", table)
    table["y"] = 2
    memo.save()
    again = {"kept": 0}   # serve's process keeps its memo: the file is not read over it
    PersistentMemo(path, "v1", again)
    assert again == {"kept": 0}


def test_dates_formatted_once_then_remembered(monkeypatch):
    monkeypatch.setattr(i18n, "DATES", Memo())
    when = datetime(2021, 4, 5, 10, 30)
    assert i18n.format_date(when, "fr") == "5 avril 2021" and i18n.format_date(when, "en") == "April 5, 2021"
    assert i18n.DATES.take_fresh() == [((date(2021, 4, 5), "fr", "long"), "5 avril 2021"),
                                       ((date(2021, 4, 5), "en", "long"), "April 5, 2021")]
    i18n.format_date(when, "fr")
    assert i18n.DATES.take_fresh() == []                                 # known: not formatted again


def test_memo_does_not_remember_failures():
    memo, calls = Memo(), []

    def failing():
        calls.append(1)
        raise ValueError("bad input")

    for _ in range(2):
        with pytest.raises(ValueError):
            memo.get("x", failing)
    assert calls == [1, 1] and memo.table == {} and memo.take_fresh() == []


def test_highlighted_code_and_mathml_reach_the_build_from_the_workers(monkeypatch):
    """The render workers hand back what they highlighted and converted (forked processes)."""
    import threading

    import sitegen.render.parallel
    from sitegen.markup.highlight import HIGHLIGHTED
    from sitegen.markup.math import MATHML
    from sitegen.render.bodies import RenderRequest, render_many

    assert threading.active_count() == 1   # else nothing forks
    monkeypatch.setattr(sitegen.render.parallel, "PARALLEL_FROM", 1)
    for memo in (HIGHLIGHTED, MATHML):
        monkeypatch.setattr(memo, "table", {})
        monkeypatch.setattr(memo, "fresh", [])
    texts = [f"$x_{i}$\n\n```python\nprint({i})\n```\n" for i in range(4)]
    render_many([RenderRequest(t, "en", (), "<!--more-->") for t in texts], jobs=2)
    assert {key[0] for key in HIGHLIGHTED.table} == {f"print({i})" for i in range(4)}
    assert {key[0] for key in MATHML.table} == {f"x_{i}" for i in range(4)}
