"""sitegen/serve/watch.py: the classifier as a table, the debouncer, and watchdog on a real folder."""
from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest

from sitegen.serve.watch import ChangeKind, Debouncer, Watcher, classify

ROOT = Path("/project")

CASES = [
    # path (relative to the root)                    kind
    ("content/posts/fr/2024-05-02-billet.md",          ChangeKind.CONTENT),
    ("content/pages/en/about.md",                      ChangeKind.CONTENT),
    ("content/posts/fr",                               ChangeKind.CONTENT),     # a folder created or removed
    ("content",                                        ChangeKind.CONTENT),
    ("templates/base.html",                            ChangeKind.TEMPLATE),
    ("templates/partials/switcher.html",               ChangeKind.TEMPLATE),
    ("static/css/site.css",                            ChangeKind.STATIC),
    ("static/images/bn/mlp-bn.fr.svg",                 ChangeKind.STATIC),
    ("code_samples/bn_common.py",                      ChangeKind.SAMPLES),
    ("code_samples/expected/welcome/main/inline-1.txt", ChangeKind.SAMPLES),
    ("i18n/fr.yaml",                                   ChangeKind.I18N),
    ("site.yaml",                                      ChangeKind.CONFIG),
    # editor droppings
    ("content/posts/fr/.#2024-05-02-billet.md",        None),   # Emacs lock
    ("content/posts/fr/#2024-05-02-billet.md#",        None),   # Emacs autosave
    ("content/posts/fr/2024-05-02-billet.md~",         None),   # backup
    ("content/posts/fr/.2024-05-02-billet.md.swp",     None),   # vim swap
    ("content/posts/fr/.2024-05-02-billet.md.swx",     None),
    ("templates/4913",                                 None),   # vim's write probe
    ("content/posts/fr/.tmp-k2j3h4",                   None),   # atomic-write temporaries
    ("static/css/site.css.tmp",                        None),
    ("templates/base.html___jb_tmp___",                None),   # JetBrains safe write
    ("content/posts/fr/.DS_Store",                     None),
    ("data/releases.yml",                              ChangeKind.DATA),
    # generated or tool folders
    ("code_samples/__pycache__/bn_common.cpython-311.pyc", None),
    ("code_samples/bn_common.pyc",                     None),
    (".cache/render.json",                             None),
    (".cache/exec/1e/abc.json",                        None),
    ("_site/fr/index.html",                            None),
    (".git/index",                                     None),
    ("static/.hidden/x.css",                           None),
    # outside what builds the site
    ("README.md",                                      None),
    ("pyproject.toml",                                 None),
    ("tests/test_watch.py",                            None),
    ("site.yaml.bak",                                  None),
    ("docs/site.yaml",                                 None),
]


@pytest.mark.parametrize("rel, kind", CASES, ids=[c[0] for c in CASES])
def test_classify_relative_and_absolute(rel, kind):
    assert classify(rel, ROOT) is kind
    assert classify(ROOT / rel, ROOT) is kind


def test_classify_outside_the_root():
    assert classify("/elsewhere/content/posts/fr/x.md", ROOT) is None
    assert classify("../content/x.md", ROOT) is None
    assert classify(ROOT, ROOT) is None


def test_debouncer_merges_a_burst_into_one_batch():
    debouncer = Debouncer(quiet=0.3, longest=10)
    # an atomic save: temp file written then renamed, a backup created then deleted
    for i in range(20):
        debouncer.add(ChangeKind.CONTENT, f"content/posts/fr/post-{i % 3}.md")
    debouncer.add(ChangeKind.STATIC, "static/css/site.css")
    batch = debouncer.next_batch(timeout=10)
    assert batch == {"content/posts/fr/post-0.md": ChangeKind.CONTENT,
                     "content/posts/fr/post-1.md": ChangeKind.CONTENT,
                     "content/posts/fr/post-2.md": ChangeKind.CONTENT,
                     "static/css/site.css": ChangeKind.STATIC}
    assert debouncer.next_batch(timeout=0.05) is None


def test_debouncer_waits_for_quiet_across_threads():
    debouncer = Debouncer(quiet=0.5, longest=10)
    debouncer.add(ChangeKind.CONTENT, "content/a.md")
    late = threading.Timer(0.05, debouncer.add, (ChangeKind.TEMPLATE, "templates/base.html"))
    late.start()
    started = time.monotonic()
    batch = debouncer.next_batch(timeout=10)
    late.join()
    assert batch == {"content/a.md": ChangeKind.CONTENT, "templates/base.html": ChangeKind.TEMPLATE}
    assert time.monotonic() - started >= 0.5


def test_debouncer_gives_up_waiting_for_quiet_after_longest():
    clock = [0.0]
    debouncer = Debouncer(quiet=0.1, longest=1.0, clock=lambda: clock[0])
    for step in range(20):                      # an event every 0.09 s, never quiet for 0.1 s
        clock[0] = step * 0.09
        debouncer.add(ChangeKind.CONTENT, f"content/{step}.md")
    clock[0] = 1.0                              # 1 s after the first event: due although not quiet
    batch = debouncer.next_batch(timeout=0)
    assert batch is not None and len(batch) == 20


def test_a_settled_change_needs_only_the_short_quiet():
    clock = [0.0]
    debouncer = Debouncer(quiet=0.1, longest=1.0, clock=lambda: clock[0], settled=0.005)
    debouncer.add(ChangeKind.CONTENT, "content/a.md")                 # being written
    clock[0] = 0.002
    debouncer.add(ChangeKind.CONTENT, "content/a.md", settled=True)   # closed after writing
    clock[0] = 0.008                                                  # well before the 0.1 s quiet
    assert debouncer.next_batch(timeout=0) == {"content/a.md": ChangeKind.CONTENT}


def test_a_change_after_a_settled_one_waits_the_full_quiet_again():
    debouncer = Debouncer(quiet=0.3, longest=10, settled=0.005)
    started = time.monotonic()
    debouncer.add(ChangeKind.CONTENT, "content/a.md", settled=True)
    debouncer.add(ChangeKind.CONTENT, "content/b.md")                 # the burst goes on
    assert debouncer.next_batch(timeout=10) == {"content/a.md": ChangeKind.CONTENT, "content/b.md": ChangeKind.CONTENT}
    assert time.monotonic() - started >= 0.3


def test_debouncer_times_out_empty():
    assert Debouncer().next_batch(timeout=0.01) is None


def _site(tmp_path: Path) -> Path:
    for folder in ("content/posts/fr", "templates", "static/css", "i18n", "code_samples"):
        (tmp_path / folder).mkdir(parents=True)
    (tmp_path / "site.yaml").write_text("title: t\n")
    return tmp_path


def _watch(root: Path):
    debouncer = Debouncer(quiet=0.2, longest=5)
    watcher = Watcher(root, debouncer.add)
    watcher.start()
    return watcher, debouncer


def test_watcher_sees_an_atomic_save_as_one_change(tmp_path):
    root = _site(tmp_path)
    post = root / "content/posts/fr/2024-01-01-x.md"
    post.write_text("old")
    watcher, debouncer = _watch(root)
    try:
        temp = post.with_name(".tmp-abc123")
        temp.write_text("new")
        os.replace(temp, post)                     # what careful editors and our own writer do
        backup = post.with_name(post.name + "~")
        backup.write_text("old")
        backup.unlink()
        batch = debouncer.next_batch(timeout=10)
        assert batch == {"content/posts/fr/2024-01-01-x.md": ChangeKind.CONTENT}
        assert debouncer.next_batch(timeout=0.5) is None
    finally:
        watcher.stop()


def test_watcher_ignores_reads_and_droppings_but_sees_config_and_deletes(tmp_path):
    root = _site(tmp_path)
    (root / "templates/base.html").write_text("x")
    watcher, debouncer = _watch(root)
    try:
        (root / "templates/base.html").read_text()               # reads are not changes
        (root / "templates/4913").write_text("")
        (root / "templates/4913").unlink()
        (root / ".cache").mkdir()
        (root / ".cache/render.json").write_text("{}")
        (root / "notes.txt").write_text("not part of the site")
        assert debouncer.next_batch(timeout=0.8) is None
        (root / "site.yaml").write_text("title: u\n")
        (root / "templates/base.html").unlink()
        batch = debouncer.next_batch(timeout=10)
        assert batch == {"site.yaml": ChangeKind.CONFIG, "templates/base.html": ChangeKind.TEMPLATE}
    finally:
        watcher.stop()


def test_watcher_picks_up_a_watched_folder_created_later(tmp_path):
    (tmp_path / "site.yaml").write_text("title: t\n")
    watcher, debouncer = _watch(tmp_path)
    try:
        (tmp_path / "static").mkdir()
        assert debouncer.next_batch(timeout=10) == {"static": ChangeKind.STATIC}
        (tmp_path / "static/site.css").write_text("body {}")
        batch = debouncer.next_batch(timeout=10)
        assert batch == {"static/site.css": ChangeKind.STATIC}
    finally:
        watcher.stop()


def test_watcher_marks_a_write_that_ended_as_settled(tmp_path):
    root = _site(tmp_path)
    seen: list[tuple[str, bool]] = []
    watcher = Watcher(root, lambda kind, rel, settled: seen.append((rel, settled)))
    watcher.start()
    try:
        (root / "content/posts/fr/2021-01-01-x.md").write_text("---\ntitle: x\n---\n")
        deadline = time.monotonic() + 5
        while ("content/posts/fr/2021-01-01-x.md", True) not in seen and time.monotonic() < deadline:
            time.sleep(0.01)
    finally:
        watcher.stop()
    assert ("content/posts/fr/2021-01-01-x.md", True) in seen        # closed after writing
    assert seen[0] == ("content/posts/fr/2021-01-01-x.md", False)    # created or modified: not yet
