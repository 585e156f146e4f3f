"""Hostile or unlucky input against the whole build: paths that try to leave the output, two
builds at once, and signals at random moments of a real build (issue: safe under hostile input)."""
from __future__ import annotations

import hashlib
import os
import random
import shutil
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from sites import ROOT
from sitegen.build import BuildOptions, build
from sitegen.errors import SiteError
from sitegen.output.tree import swap_of

sys.path.insert(0, str(ROOT / "benchmarks"))
from corpus import write_corpus  # noqa: E402

POST = "content/posts/en/2021-04-05-training-phase.md"


def with_permalink(site: Path, permalink: str, path: str = POST) -> None:
    text = (site / path).read_text(encoding="utf-8")
    (site / path).write_text(text.replace("---\n", f"---\npermalink: {permalink}\n", 1), encoding="utf-8")


def digest_tree(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("permalink", ["/../README.md", "/../../../../tmp/sitegen-pwned/", "/en/../index.html",
                                       "/en/./", "/en//x/", "/en/" + "x" * 300 + "/"])
def test_a_permalink_cannot_leave_or_bypass_the_output_checks(site_factory, permalink, tmp_path):
    site = site_factory("basic")
    readme = site / "README.md"
    readme.write_text("the author's file\n")
    build(site)
    before = digest_tree(site / "_site")
    with_permalink(site, permalink)
    with pytest.raises(SiteError) as failure:
        build(site)
    problems = [p for p in failure.value.problems if not p.warning]
    assert [(p.path, p.line) for p in problems] == [(POST, 2)], problems   # at the permalink: line
    assert readme.read_text() == "the author's file\n"
    assert not Path("/tmp/sitegen-pwned").exists()
    assert digest_tree(site / "_site") == before                           # the previous site, intact
    assert not list((site / "_site").rglob(".tmp-*"))


def test_every_url_clash_is_reported_and_a_failed_build_leaves_no_temporary_file(site_factory):
    site = site_factory("basic")
    build(site)
    before = digest_tree(site / "_site")
    with_permalink(site, "/en/same/")
    with_permalink(site, "/en/same/", "content/posts/en/2021-05-01-second.md")
    with_permalink(site, "/en/feed.xml", "content/posts/fr/2021-05-01-deuxieme.md")
    with pytest.raises(SiteError) as failure:
        build(site)
    messages = [str(p) for p in failure.value.problems if not p.warning]
    assert any(m.split(": ")[0] in (f"{POST}:2", "content/posts/en/2021-05-01-second.md:2") and "/en/same/" in m
               for m in messages), messages
    assert any(m.startswith("content/posts/fr/2021-05-01-deuxieme.md:2: URL /en/feed.xml") for m in messages), messages
    assert digest_tree(site / "_site") == before
    for folder in (site / "_site", swap_of(site / "_site")):
        assert not list(folder.rglob(".tmp-*"))


def test_a_symlinked_output_subfolder_is_replaced_not_written_through(site_factory, tmp_path):
    site = site_factory("basic")
    build(site)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    swap_of(site / "_site").mkdir(exist_ok=True)
    for folder in (site / "_site", swap_of(site / "_site")):
        target = folder / "en"
        if target.exists():
            shutil.rmtree(target)
        target.symlink_to(elsewhere, target_is_directory=True)
    (site / POST).write_text((site / POST).read_text() + "\nOne more line.\n")
    build(site)
    assert list(elsewhere.iterdir()) == []
    assert (site / "_site/en").is_dir() and not (site / "_site/en").is_symlink()


# --- processes: two builds at once, and signals ------------------------------------------------------

def run_build(site: Path, marker: str, **kwargs) -> subprocess.Popen:
    env = {**os.environ, "SITEGEN_TEST_RUN": marker, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen([sys.executable, str(ROOT / "site.py"), "--root", str(site), "build", "-q"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, **kwargs)


def processes_marked(marker: str) -> list[int]:
    """Live processes (not zombies) whose environment carries the marker: the build and anything it started."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            if f"SITEGEN_TEST_RUN={marker}".encode() in Path(f"/proc/{entry}/environ").read_bytes().split(b"\0"):
                if Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z":
                    found.append(int(entry))
        except OSError:
            continue
    return found


def wait_gone(marker: str, seconds: float = 10) -> list[int]:
    deadline = time.monotonic() + seconds
    while (left := processes_marked(marker)) and time.monotonic() < deadline:
        time.sleep(0.05)
    return left


def test_two_builds_at_once_both_succeed_and_leave_one_complete_site(site_factory):
    site = site_factory("basic")
    marker = uuid.uuid4().hex
    for round_ in range(4):
        (site / POST).write_text((site / POST).read_text() + f"\nRound {round_}.\n")
        runs = [run_build(site, marker) for _ in range(2)]
        for run in runs:
            out, err = run.communicate(timeout=120)
            assert run.returncode == 0, err.decode()
            assert b"Traceback" not in err
    reference = site.parent / "reference"
    build(site, BuildOptions(out=reference, force=True))
    assert digest_tree(site / "_site") == digest_tree(reference)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """A benchmark corpus (~400 pages) in two versions that differ on every post, and the site each gives."""
    site = write_corpus(tmp_path_factory.mktemp("signals") / "corpus", 150)
    posts = sorted((site / "content/posts").rglob("*.md"))
    versions = {name: {p: p.read_text(encoding="utf-8") + f"\n\nVersion {name}.\n" for p in posts} for name in "ab"}
    sites = {}
    for name, texts in versions.items():
        for path, text in texts.items():
            path.write_text(text, encoding="utf-8")
        reference = site.parent / f"reference-{name}"
        build(site, BuildOptions(out=reference, force=True))
        sites[name] = digest_tree(reference)
    return site, versions, sites


def temporary_files(*folders: Path) -> list[Path]:
    return [p for folder in folders if folder.is_dir() for p in folder.rglob(".tmp-*")]


def test_signals_at_random_moments_leave_one_complete_site_and_no_process(corpus):
    """20 builds of a real corpus, each sent SIGINT, SIGTERM or SIGKILL: half at a random moment of
    the build, half just after it starts writing files (the moment a half-published site would show)."""
    site, versions, sites = corpus
    out, swap = site / "_site", swap_of(site / "_site")
    marker = uuid.uuid4().hex
    started = time.monotonic()
    for path, text in versions["b"].items():
        path.write_text(text, encoding="utf-8")
    first = run_build(site, marker)
    assert first.wait(timeout=300) == 0
    duration = time.monotonic() - started
    current, rng = digest_tree(out), random.Random(1)
    for round_ in range(20):
        name = "ab"[round_ % 2]
        for path, text in versions[name].items():
            path.write_text(text, encoding="utf-8")
        sig = (signal.SIGINT, signal.SIGTERM, signal.SIGKILL)[round_ % 3]
        left = set(temporary_files(out, swap))   # a killed round may have left some in the twin
        run = run_build(site, marker, start_new_session=True)
        time.sleep(0.1)   # not before Python runs site.py's first line
        if round_ % 2:   # as soon as the build writes
            deadline = time.monotonic() + 3 * duration
            while not set(temporary_files(out, swap)) - left and run.poll() is None and time.monotonic() < deadline:
                time.sleep(0.002)
            time.sleep(rng.uniform(0, 0.03))
        else:
            time.sleep(rng.uniform(0, duration))
        run.send_signal(sig)
        _, err = run.communicate(timeout=120)
        assert b"Traceback" not in err, err.decode()
        assert not wait_gone(marker), f"round {round_}: processes of the build outlived it ({sig.name})"
        published = digest_tree(out)
        assert published in (current, sites[name]), f"round {round_}: after {sig.name}, _site is not one complete site"
        assert not temporary_files(out), f"round {round_}: temporary files in _site after {sig.name}"
        current = published
    final = run_build(site, marker)
    _, err = final.communicate(timeout=300)
    assert final.returncode == 0, err.decode()
    assert digest_tree(out) == sites["b"]
    assert not temporary_files(out, swap), "temporary files outlived the next build"


@pytest.mark.kernel
def test_a_bad_permalink_on_a_post_with_downloads_is_one_error_at_its_line(site_factory):
    """Its notebook and script sit beside its URL: the URL's error says it all, once."""
    site = site_factory("exec")
    post = "content/posts/en/2021-01-01-demo.md"
    with_permalink(site, "/../../demo/", post)
    with pytest.raises(SiteError) as failure:
        build(site)
    assert [(p.path, p.line) for p in failure.value.problems if not p.warning] == [(post, 2)]
