"""sitegen/execution/cache.py: content keys and the installed versions they include."""
from __future__ import annotations

from importlib import metadata

import pytest

from sitegen.execution.cache import environment, installed_versions

NAMES = ("markdown", "pymdown-extensions", "pygments", "latex2mathml", "PyYAML", "Jinja2", "numpy", "torch")


def test_installed_versions_agree_with_importlib_metadata():
    assert installed_versions(NAMES) == {name: metadata.version(name) for name in NAMES}


@pytest.mark.parametrize("spelling", ["pymdown_extensions", "Pymdown-Extensions", "pymdown.extensions"])
def test_distribution_names_are_normalized(spelling):
    assert installed_versions((spelling,)) == {spelling: metadata.version("pymdown-extensions")}


def test_absent_distribution():
    assert installed_versions(("no-such-distribution-here",)) == {"no-such-distribution-here": "absent"}


def test_environment_names_the_numerical_libraries():
    env = environment()
    assert env["torch"] == metadata.version("torch") and env["python"].count(".") == 2


# --- entries of the wrong shape are dropped, never a crash -------------------------------------

def _stored(tmp_path):
    from sitegen.execution.cache import ExecCache, session_inputs
    from sitegen.execution.kernels import BlockResult, Output, SessionPlan, SessionRun

    plan = SessionPlan("post/main", ("print(1)", "1 / 0"), (60.0, 60.0), str(tmp_path))
    inputs = session_inputs(plan, {})
    cache = ExecCache(tmp_path / "exec")
    run = SessionRun(plan, (BlockResult((Output("stdout", "1\n"),), 0.1),
                            BlockResult((Output("error", "ZeroDivisionError"),), 0.1, "error")), 0.5)
    cache.store(run, inputs)
    cache.remember({plan.id: inputs})
    return cache, plan, inputs, next(p for p in (tmp_path / "exec").rglob("*.json") if p.name != "index.json")


def test_a_stored_session_loads_back(tmp_path):
    cache, plan, inputs, _ = _stored(tmp_path)
    run = cache.load(plan, inputs)
    assert [r.status for r in run.results] == ["ok", "error"] and run.results[0].outputs[0].text == "1\n"
    assert not run.kernel_started and cache.previous_inputs(plan.id) == inputs.parts


def _edits():
    """Each turns a good entry into one of another shape."""
    def results(change):
        return lambda d: {**d, "results": change(d["results"])}

    def first(change):
        return results(lambda rs: [change(rs[0])] + rs[1:])

    return {
        "list": lambda d: [], "empty": lambda d: {}, "results not a list": lambda d: {**d, "results": 3},
        "a result is a number": results(lambda rs: [1, 2]), "too few results": results(lambda rs: rs[:1]),
        "seconds is text": lambda d: {**d, "seconds": "fast"}, "seconds is NaN": lambda d: {**d, "seconds": float("nan")},
        "status unknown": first(lambda r: {**r, "status": "great"}), "status a list": first(lambda r: {**r, "status": []}),
        "a died session": first(lambda r: {**r, "status": "died"}),
        "truncated negative": first(lambda r: {**r, "truncated": -1}), "truncated a bool": first(lambda r: {**r, "truncated": True}),
        "outputs a dict": first(lambda r: {**r, "outputs": {}}), "an output too short": first(lambda r: {**r, "outputs": [["stdout", "x"]]}),
        "an output kind unknown": first(lambda r: {**r, "outputs": [["html", "x", "text/plain"]]}),
        "an output text a number": first(lambda r: {**r, "outputs": [["stdout", 5, "text/plain"]]}),
        "a lone surrogate": first(lambda r: {**r, "outputs": [["stdout", "\ud800", "text/plain"]]}),
        "another key": lambda d: {**d, "key": "0" * 64}, "another format": lambda d: {**d, "format": 99},
    }


@pytest.mark.parametrize("name", sorted(_edits()))
def test_an_entry_of_the_wrong_shape_is_dropped(tmp_path, name):
    import json

    cache, plan, inputs, entry = _stored(tmp_path)
    entry.write_text(json.dumps(_edits()[name](json.loads(entry.read_text()))))
    assert cache.load(plan, inputs) is None


@pytest.mark.parametrize("text", ["", "{not json", "[" * 100_000, "\xff"])
def test_an_unreadable_entry_is_dropped(tmp_path, text):
    cache, plan, inputs, entry = _stored(tmp_path)
    entry.write_bytes(text.encode("latin-1"))
    assert cache.load(plan, inputs) is None


@pytest.mark.parametrize("index", ["[]", '{"post/main": []}', '{"post/main": {"block 1 code": 3}}', "3", "[" * 100_000])
def test_an_index_of_the_wrong_shape_forgets_the_history(tmp_path, index):
    cache, plan, inputs, _ = _stored(tmp_path)
    (tmp_path / "exec/index.json").write_text(index)
    assert cache.previous_inputs(plan.id) is None
    assert inputs.changed_since(cache.previous_inputs(plan.id)) == ["never run before"]
    cache.remember({plan.id: inputs})      # and it is written again whole
    assert cache.previous_inputs(plan.id) == inputs.parts


def test_the_cache_key_holds_the_kernel_environment_list(tmp_path):
    from dataclasses import replace

    from sitegen.execution.cache import session_inputs
    from sitegen.execution.kernels import SessionPlan

    plan = SessionPlan("post/main", ("print(1)",), (60.0,), str(tmp_path))
    listed = session_inputs(replace(plan, env=("HF_HOME",)), {})
    assert session_inputs(plan, {}).key != listed.key
    assert listed.changed_since(session_inputs(plan, {}).parts) == ["environment variables"]
