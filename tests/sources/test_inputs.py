"""sitegen/sources/inputs.py: inputs are regular files inside the project; text without a BOM."""
from __future__ import annotations

import os

import pytest

from sitegen.build import BuildOptions, build
from sitegen.cli import main
from sitegen.errors import SiteError
from sitegen.sources import decode_text, read_inputs

POST = "content/posts/en/2021-04-01-x.md"


@pytest.fixture
def outside(tmp_path):
    """A file outside the project, which no build may publish."""
    secret = tmp_path / "elsewhere" / "passwd"
    secret.parent.mkdir()
    secret.write_text("---\ntitle: secret\n---\nroot:x:0:0:SECRET-CONTENT\n", encoding="utf-8")
    return secret


def problems_of(root, *names):
    with pytest.raises(SiteError) as caught:
        read_inputs(root, *names)
    return caught.value.problems


def test_regular_files_are_read_with_their_paths(tmp_path):
    (tmp_path / "static" / "css").mkdir(parents=True)
    (tmp_path / "static" / "css" / "a.css").write_bytes(b"a{}")
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "__pycache__").mkdir()
    (tmp_path / "content" / "__pycache__" / "x.pyc").write_bytes(b"\0")
    assert read_inputs(tmp_path) == {"static/css/a.css": b"a{}"}


@pytest.mark.parametrize("where", [POST, "static/passwd.txt", "templates/post.html", "code_samples/x.py",
                                   "i18n/fr.yaml"])
def test_a_link_to_a_file_outside_the_project_is_an_error(tmp_path, outside, where):
    root = tmp_path / "site"
    link = root / where
    link.parent.mkdir(parents=True)
    link.symlink_to(outside)
    [problem] = problems_of(root)
    assert problem.path == where and str(outside) in problem.message and "outside the project" in problem.message
    assert str(problem).startswith(f"{where}: symbolic link → {outside}")


def test_links_to_outside_folders_and_relative_escapes_are_errors(tmp_path, outside):
    root = tmp_path / "site"
    (root / "static").mkdir(parents=True)
    (root / "static" / "up").symlink_to("../../elsewhere")                # a folder, by a relative path
    (root / "content").symlink_to(outside.parent)                         # an input folder itself
    (root / "static" / "etc").symlink_to("/etc/passwd")
    found = {p.path: p.message for p in problems_of(root)}
    assert set(found) == {"static/up", "content", "static/etc"}
    assert str(outside.parent) in found["static/up"] and "/etc/passwd" in found["static/etc"]


def test_links_inside_the_project_are_followed(tmp_path):
    root = tmp_path / "site"
    (root / "shared" / "img").mkdir(parents=True)
    (root / "shared" / "img" / "logo.svg").write_bytes(b"<svg/>")
    (root / "static").mkdir()
    (root / "static" / "img").symlink_to("../shared/img")                 # a folder
    (root / "static" / "logo.svg").symlink_to(root / "shared/img/logo.svg")   # a file, by an absolute path
    (root / "static" / "editor-lock").symlink_to("user@host.1234:1600000000")   # dangling (Emacs's .#file)
    assert read_inputs(root) == {"static/img/logo.svg": b"<svg/>", "static/logo.svg": b"<svg/>"}


def test_a_link_loop_is_an_error_not_a_hang(tmp_path):
    (tmp_path / "static" / "a").mkdir(parents=True)
    (tmp_path / "static" / "a" / "again").symlink_to("..")
    [problem] = problems_of(tmp_path)
    assert problem.path == "static/a/again" and "loop" in problem.message


def test_a_fifo_is_reported_not_read(tmp_path):
    (tmp_path / "content").mkdir()
    os.mkfifo(tmp_path / "content" / "pipe.md")        # opening it for reading would wait forever
    [problem] = problems_of(tmp_path)
    assert problem.path == "content/pipe.md" and "a FIFO, not a regular file" in problem.message


def test_named_files_are_checked_too(tmp_path, outside):
    root = tmp_path / "site"
    root.mkdir()
    (root / "site.yaml").symlink_to(outside)
    [problem] = problems_of(root, ("site.yaml",))
    assert problem.path == "site.yaml"


@pytest.mark.parametrize("data, text", [
    (b"\xef\xbb\xbf---\r\ntitle: a\r\n---\r\n", "---\ntitle: a\n---\n"),
    (b"plain\n", "plain\n"),
    (b"a\xef\xbb\xbfb", "a\ufeffb"),                  # only a leading mark is one
])
def test_decode_text(data, text):
    assert decode_text("x.md", data) == (text, None)


def test_decode_text_reports_bad_utf8():
    text, problem = decode_text("i18n/fr.yaml", b"caf\xe9")
    assert text is None and problem.path == "i18n/fr.yaml" and "not valid UTF-8" in problem.message


# -- whole builds ---------------------------------------------------------------------------------

def test_a_post_linked_to_etc_passwd_is_not_published(site_factory, capsys):
    site = site_factory("basic")
    (site / POST).symlink_to("/etc/passwd")
    (site / "static").mkdir(exist_ok=True)
    (site / "static" / "passwd.txt").symlink_to("/etc/passwd")
    assert main(["--root", str(site), "build"]) == 1
    err = capsys.readouterr().err
    assert f"{POST}: symbolic link → /etc/passwd, outside the project" in err
    assert "static/passwd.txt: symbolic link → /etc/passwd" in err and "Traceback" not in err
    assert not (site / "_site").exists()


def test_serve_style_build_stops_too(site_factory, outside):
    site = site_factory("basic")
    (site / POST).symlink_to(outside)
    with pytest.raises(SiteError) as caught:
        build(site, BuildOptions(write=False))
    assert [p.path for p in caught.value.problems if not p.warning] == [POST]


def test_inside_links_build_like_copies(site_factory):
    site = site_factory("basic")
    (site / "drafts-folder").mkdir()
    (site / "drafts-folder" / "note.txt").write_text("shared note\n", encoding="utf-8")
    (site / "static").mkdir(exist_ok=True)
    (site / "static" / "note.txt").symlink_to("../drafts-folder/note.txt")
    tree = build(site, BuildOptions(write=False)).tree
    assert tree.files["note.txt"] == b"shared note\n"


def test_bom_everywhere_is_dropped(site_factory):
    """A BOM before `---`, in site.yaml, in i18n and in a template: read as if it were not there."""
    site = site_factory("basic")
    bom = b"\xef\xbb\xbf"
    post = site / "content/posts/en/2021-04-02-with-bom.md"
    post.write_bytes(bom + b"---\r\ntitle: Marked with a BOM\r\n---\r\nBody text.\r\n")
    for rel in ("site.yaml", "i18n/en.yaml", "templates/base.html"):
        (site / rel).write_bytes(bom + (site / rel).read_bytes())
    files = build(site, BuildOptions(write=False)).tree.files
    page = files["en/2021/04/02/with-bom/index.html"].decode()
    assert "<title>Marked with a BOM" in page and "title: Marked" not in page
    assert "\ufeff" not in page and not any(b"\xef\xbb\xbf" in data for data in files.values())


def test_a_template_not_in_utf8_is_located(site_factory):
    site = site_factory("basic")
    (site / "templates" / "broken.html").write_bytes(b"<p>caf\xe9</p>")
    with pytest.raises(SiteError) as caught:
        build(site, BuildOptions(write=False))
    [problem] = [p for p in caught.value.problems if not p.warning]
    assert problem.path == "templates/broken.html" and "not valid UTF-8" in problem.message
