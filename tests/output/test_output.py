"""sitegen/output/tree.py: the in-memory tree, collisions, minimal writes, safe output folders."""
from __future__ import annotations

import os

import pytest

from sitegen.output.tree import (
    OutputTree,
    Staged,
    WriteReport,
    check_output_dir,
    discard,
    path_problem,
    stage,
    swap_of,
    write_tree,
)


def tree_of(files: dict[str, bytes]) -> OutputTree:
    tree = OutputTree()
    for path, data in files.items():
        assert tree.add(path, data, f"origin of {path}") is None
    return tree


def listing(folder) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


# --- OutputTree --------------------------------------------------------------------------------

def test_collision_names_both_origins():
    tree = OutputTree()
    assert tree.add("fr/x/index.html", b"first", "content/posts/fr/2021-04-05-x.md") is None
    problem = tree.add("fr/x/index.html", b"second", "content/pages/fr/x.md")
    assert problem is not None and not problem.warning
    assert problem.path == "content/pages/fr/x.md"
    assert "content/posts/fr/2021-04-05-x.md" in problem.message
    assert "/fr/x/index.html" in problem.message
    assert tree.files["fr/x/index.html"] == b"first"          # the first claim stays
    assert tree.origins["fr/x/index.html"] == "content/posts/fr/2021-04-05-x.md"


def test_identical_bytes_still_collide():
    tree = OutputTree()
    tree.add("a.css", b"x", "static/a.css")
    assert tree.add("a.css", b"x", "the Pygments styles") is not None


# --- write_tree --------------------------------------------------------------------------------

def test_first_write(tmp_path):
    out = tmp_path / "_site"
    report = write_tree(tree_of({"index.html": b"root", "fr/index.html": b"fr", "fr/a/b/index.html": b"deep"}), out)
    assert report == WriteReport(written=3, unchanged=0, removed=0)
    assert listing(out) == {"index.html": b"root", "fr/index.html": b"fr", "fr/a/b/index.html": b"deep"}
    assert not [p for p in out.rglob(".tmp-*")]


def test_only_changed_files_are_written(tmp_path):
    out = tmp_path / "_site"
    write_tree(tree_of({"same.html": b"same", "changed.html": b"old", "sub/same.css": b"css"}), out)
    old_time = 1_000_000_000
    for name in ("same.html", "changed.html", "sub/same.css"):
        os.utime(out / name, (old_time, old_time))
    before = {name: os.stat(out / name) for name in ("same.html", "sub/same.css")}

    report = write_tree(tree_of({"same.html": b"same", "changed.html": b"new!", "sub/same.css": b"css"}), out)

    assert report == WriteReport(written=1, unchanged=2, removed=0)
    for name, st in before.items():
        now = os.stat(out / name)
        assert (now.st_ino, now.st_mtime) == (st.st_ino, old_time), f"{name} was rewritten"
    assert (out / "changed.html").read_bytes() == b"new!"
    assert os.stat(out / "changed.html").st_mtime != old_time


def test_same_size_different_bytes_is_rewritten(tmp_path):
    out = tmp_path / "_site"
    write_tree(tree_of({"a.txt": b"abc"}), out)
    report = write_tree(tree_of({"a.txt": b"abd"}), out)
    assert report.written == 1 and (out / "a.txt").read_bytes() == b"abd"


def test_written_files_are_readable(tmp_path):
    out = tmp_path / "_site"
    write_tree(tree_of({"a.html": b"x"}), out)
    assert (os.stat(out / "a.html").st_mode & 0o777) == 0o644


def test_stale_files_and_empty_dirs_are_removed(tmp_path):
    out = tmp_path / "_site"
    write_tree(tree_of({"keep/index.html": b"k", "old/deep/index.html": b"o", "mixed/a.html": b"a",
                        "mixed/b.html": b"b"}), out)
    (out / "stray.txt").write_text("not ours")
    (out / "empty" / "dir").mkdir(parents=True)

    report = write_tree(tree_of({"keep/index.html": b"k", "mixed/a.html": b"a"}), out)

    assert report == WriteReport(written=0, unchanged=2, removed=3)
    assert listing(out) == {"keep/index.html": b"k", "mixed/a.html": b"a"}
    assert not (out / "old").exists() and not (out / "empty").exists()
    assert (out / "mixed").is_dir()
    assert out.is_dir()


def test_empty_tree_empties_the_folder_but_keeps_it(tmp_path):
    out = tmp_path / "_site"
    write_tree(tree_of({"a/b.html": b"x"}), out)
    report = write_tree(OutputTree(), out)
    assert report.removed == 1 and out.is_dir() and list(out.iterdir()) == []


def test_file_becomes_a_folder(tmp_path):
    # a permalink changed from /fr/x to /fr/x/: the stale file is in the way of the new folder
    out = tmp_path / "_site"
    write_tree(tree_of({"fr/x": b"old"}), out)
    write_tree(tree_of({"fr/x/index.html": b"new"}), out)
    assert listing(out) == {"fr/x/index.html": b"new"}


def test_folder_becomes_a_file(tmp_path):
    out = tmp_path / "_site"
    write_tree(tree_of({"fr/x/index.html": b"old"}), out)
    write_tree(tree_of({"fr/x": b"new"}), out)
    assert listing(out) == {"fr/x": b"new"}


# --- staging: pages written beside their targets by the process that rendered them ------------

def test_staged_files_are_published_by_write_tree(tmp_path):
    out = tmp_path / "_site"
    write_tree(tree_of({"old.html": b"old", "same.html": b"same"}), out)
    tree = tree_of({"fr/2021/x/index.html": b"new", "same.html": b"same"})
    staged = {rel: stage(out, rel, data) for rel, data in tree.files.items()}
    assert staged["same.html"] == Staged(None)                       # identical bytes: nothing staged
    assert not (out / "fr/2021/x/index.html").exists()               # not published before write_tree
    report = write_tree(tree, out, staged)
    assert listing(out) == {"fr/2021/x/index.html": b"new", "same.html": b"same"}
    assert report == WriteReport(written=1, unchanged=1, removed=1)
    assert oct((out / "fr/2021/x/index.html").stat().st_mode & 0o777) == "0o644"


def test_discard_removes_staged_files_and_the_folders_made_for_them(tmp_path):
    out = tmp_path / "_site"
    write_tree(tree_of({"fr/index.html": b"home"}), out)
    before = listing(out)
    staged = {"fr/2021/04/x/index.html": stage(out, "fr/2021/04/x/index.html", b"x"),
              "fr/y.html": stage(out, "fr/y.html", b"y")}
    assert staged["fr/2021/04/x/index.html"].folders                 # fr/2021, fr/2021/04, …/x were made
    discard(staged)
    assert listing(out) == before
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*")) == ["fr", "fr/index.html"]


def test_a_file_in_the_way_of_a_folder_is_not_staged_but_still_written(tmp_path):
    out = tmp_path / "_site"
    write_tree(tree_of({"fr/x": b"old"}), out)
    write_tree(tree_of({"fr/x": b"older"}), out)        # the twin now holds the first site, with its file fr/x
    tree = tree_of({"fr/x/index.html": b"new"})
    staged = {"fr/x/index.html": stage(out, "fr/x/index.html", b"new")}
    assert staged == {"fr/x/index.html": None}
    write_tree(tree, out, staged)
    assert listing(out) == {"fr/x/index.html": b"new"}


# --- publishing: one atomic exchange with the twin folder ------------------------------------

def test_unchanged_files_are_shared_with_the_twin_not_copied(tmp_path):
    out = tmp_path / "_site"
    write_tree(tree_of({"a.html": b"a", "b.html": b"b"}), out)
    first = os.stat(out / "a.html").st_ino
    write_tree(tree_of({"a.html": b"a", "b.html": b"B"}), out)
    assert os.stat(out / "a.html").st_ino == first                  # a hard link of the published file
    assert os.stat(swap_of(out) / "a.html").st_ino == first         # the twin holds the previous site
    assert listing(swap_of(out)) == {"a.html": b"a", "b.html": b"b"}


def test_the_output_folder_is_replaced_in_one_step(tmp_path, monkeypatch):
    """Until the exchange the output folder is untouched; a failure before it changes nothing."""
    out = tmp_path / "_site"
    write_tree(tree_of({"a.html": b"a", "old.html": b"o"}), out)
    import sitegen.output.tree as tree_module

    def exchange_fails(a, b):
        assert listing(out) == {"a.html": b"a", "old.html": b"o"}   # nothing published yet
        raise KeyboardInterrupt

    monkeypatch.setattr(tree_module, "_exchange", exchange_fails)
    with pytest.raises(KeyboardInterrupt):
        write_tree(tree_of({"a.html": b"A", "new.html": b"n"}), out)
    assert listing(out) == {"a.html": b"a", "old.html": b"o"}


def test_links_and_temporary_files_in_the_twin_never_reach_the_site(tmp_path):
    out = tmp_path / "_site"
    secret = tmp_path / "secret.txt"
    secret.write_text("secret")
    write_tree(tree_of({"a.html": b"a"}), out)
    write_tree(tree_of({"a.html": b"a"}), out)
    swap = swap_of(out)
    (swap / "b.html").symlink_to(secret)               # planted where the next site has a file
    (swap / "dir").symlink_to(tmp_path, target_is_directory=True)
    (swap / ".tmp-abc123").write_text("left by a killed build")
    write_tree(tree_of({"a.html": b"a", "b.html": b"b", "dir/c.html": b"c"}), out)
    assert listing(out) == {"a.html": b"a", "b.html": b"b", "dir/c.html": b"c"}
    assert not any(p.is_symlink() for p in out.rglob("*"))
    assert secret.read_text() == "secret"


@pytest.mark.parametrize("path, reason", [
    ("../README.md", "'..'"), ("fr/../../etc/x", "'..'"), ("fr/./index.html", "'.'"), ("fr//x.html", "'empty'"),
    ("/etc/passwd", "inside the output"), ("", "inside the output"), ("a\\..\\b", "backslash"),
    ("x/" + "é" * 200 + "/index.html", "longer than 255 bytes"),
])
def test_output_paths_are_checked_when_claimed(path, reason):
    assert reason in (path_problem(path) or "")
    problem = OutputTree().add(path, b"x", "content/posts/en/2021-04-05-x.md")
    assert problem is not None and reason in problem.message and problem.path == "content/posts/en/2021-04-05-x.md"


@pytest.mark.parametrize("path", ["index.html", "fr/2021/04/05/x/index.html", "assets/a b.png", "café/index.html", "a..b/x"])
def test_ordinary_paths_are_fine(path):
    assert path_problem(path) is None


# --- check_output_dir ----------------------------------------------------------------------------

@pytest.fixture
def project(tmp_path):
    root = tmp_path / "blog"
    for folder in ("content/posts/fr", "templates", "static", "code_samples", "i18n"):
        (root / folder).mkdir(parents=True)
    (root / "site.yaml").write_text("title: x\n")
    return root


def test_normal_output_folder_is_fine(project):
    assert check_output_dir(project / "_site", project, force=False) is None
    assert check_output_dir(project / "build" / "html", project, force=False) is None


def test_refuses_project_root(project):
    for force in (False, True):
        reason = check_output_dir(project, project, force=force)
        assert reason is not None and "project folder" in reason
    assert check_output_dir(project / "sub" / "..", project, force=False) is not None


def test_refuses_folder_holding_content_or_site_yaml(project, tmp_path):
    other = tmp_path / "other_project"
    (other / "content").mkdir(parents=True)
    reason = check_output_dir(other, project, force=True)
    assert reason is not None and "content/" in reason
    third = tmp_path / "third"
    third.mkdir()
    (third / "site.yaml").write_text("")
    assert check_output_dir(third, project, force=True) is not None
    inner = project / "_site"
    (inner / "content").mkdir(parents=True)
    assert check_output_dir(inner, project, force=False) is not None


def test_refuses_outside_project_unless_forced(project, tmp_path):
    outside = tmp_path / "elsewhere" / "_site"
    reason = check_output_dir(outside, project, force=False)
    assert reason is not None and "--force" in reason
    assert check_output_dir(outside, project, force=True) is None


def test_refuses_a_folder_containing_the_project_even_with_force(project):
    # write_tree deletes everything it did not write: an ancestor would lose the project itself
    assert check_output_dir(project.parent, project, force=True) is not None


@pytest.mark.parametrize("folder", ["content", "content/posts", "templates", "code_samples"])
def test_refuses_the_project_own_source_folders(project, folder):
    # write_tree would delete every post, template or sample in there
    assert check_output_dir(project / folder, project, force=False) is not None
