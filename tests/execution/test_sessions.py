"""Executable blocks end to end: kernels, sharing, isolation, translations, failures, checking, cache."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from htmltools import parse
from sites import FIXTURES
from sitegen.build import BuildOptions, build
from sitegen.errors import SiteError

pytestmark = pytest.mark.kernel

FR = "fr/2021/01/01/demo/index.html"
EN = "en/2021/01/01/demo/index.html"


def outputs(out: Path, rel: str) -> list[str]:
    doc = parse((out / rel).read_bytes())
    return [o.find("pre").text for o in doc.find_all("div") if o.has_class("exec-output")]


def errors_of(caught) -> list[str]:
    return [str(p) for p in caught.value.problems if not p.warning]


def add_post(site: Path, lang: str, name: str, body: str, title: str = "T") -> Path:
    path = site / "content/posts" / lang / name
    path.write_text(f"---\ntitle: {title}\n---\n{body}", encoding="utf-8")
    return path


@pytest.fixture
def site(site_factory):
    return site_factory("exec")


@pytest.fixture
def built(site):
    report = build(site)
    return site, site / "_site", report


def test_blocks_share_state_and_translations_run_once(built):
    site, out, report = built
    assert outputs(out, FR) == outputs(out, EN) == ["mean = 2.0000", "2.449489742783178", "4.0"]
    # one kernel for the demo pair, one for the other post: the translation did not run again
    assert report.execution.kernels == 2
    new = sorted(p.relative_to(site).as_posix() for p in (site / "code_samples/expected").rglob("*.txt"))
    assert new == ["code_samples/expected/demo/main/demo-helper.txt", "code_samples/expected/demo/main/demo-mean.txt",
                   "code_samples/expected/demo/main/demo-setup.txt", "code_samples/expected/demo/main/inline-3.txt",
                   "code_samples/expected/post-2021-01-02-other/main/inline-1.txt"]
    assert any("new output, recorded in code_samples/expected/demo/main/demo-mean.txt" in w.message for w in report.warnings)


def test_posts_are_isolated(built):
    _, out, _ = built
    doc = parse((out / "en/2021/01/02/other/index.html").read_bytes())
    error = doc.find("pre", **{"class": "exec-error"})
    assert error is not None and "NameError: name 'mean' is not defined" in error.text


def test_each_page_shows_its_own_language_comments(built):
    _, out, _ = built
    fr_code = [c.text for c in parse((out / FR).read_bytes()).find_all("code")]
    en_code = [c.text for c in parse((out / EN).read_bytes()).find_all("code")]
    assert any("# la moyenne des valeurs" in c for c in fr_code)
    assert not any("the mean of the values" in c or "en:" in c or "fr:" in c for c in fr_code)
    assert any("# the mean of the values" in c for c in en_code)
    assert not any("la moyenne" in c for c in en_code)


def test_hide_code_and_caption(built):
    _, out, _ = built
    figures = parse((out / FR).read_bytes()).find_all("figure")
    assert figures[0].find("div", **{"class": "highlight"}) is None          # hide_code
    assert figures[1].find("figcaption").text == "La moyenne."


def test_second_build_starts_no_kernel_and_prose_edits_run_nothing(built):
    site, out, _ = built
    assert build(site).execution.kernels == 0
    post = site / "content/posts/fr/2021-01-01-demo.md"
    post.write_text(post.read_text().replace("Intro.", "Une introduction réécrite."))
    report = build(site)
    assert report.execution.kernels == 0
    assert "Une introduction réécrite." in (out / FR).read_text()


def test_code_edit_reruns_only_its_session_and_explains_why(built):
    site, _, _ = built
    sample = site / "code_samples/demo_helper.py"
    sample.write_text("def double(x):\n    return 2.0 * x\n")
    lines = []
    report = build(site, BuildOptions(explain=True), progress=lines.append)
    assert report.execution.kernels == 1
    assert any(line.startswith("run demo/main:") and "file demo_helper.py" in line for line in lines)


def test_corrupt_cache_entry_is_ignored(built):
    site, _, _ = built
    for entry in (site / ".cache/exec").rglob("*.json"):
        if entry.name != "index.json":
            entry.write_text("{not json")
    assert build(site).execution.kernels == 2


def test_mismatch_fails_with_a_diff_and_accept_records(built):
    site, out, _ = built
    expected = site / "code_samples/expected/demo/main/demo-mean.txt"
    expected.write_text("mean = 2.5000\n")
    with pytest.raises(SiteError) as caught:
        build(site)
    (message,) = [m for m in errors_of(caught)]
    assert message.startswith("content/posts/fr/2021-01-01-demo.md:10: block 2 (demo.py#mean): output differs")
    assert "-mean = 2.5000\n+mean = 2.0000" in message
    build(site, BuildOptions(accept=True))
    assert expected.read_text() == "mean = 2.0000\n"


def test_numbers_within_tolerance_pass(built):
    site, _, _ = built
    expected = site / "code_samples/expected/demo/main/inline-3.txt"
    expected.write_text("2.4494\n")          # rel 1e-3 of the site's tolerance
    build(site)
    expected.write_text("2.46\n")            # beyond it
    with pytest.raises(SiteError):
        build(site)


def test_translated_blocks_must_match(built):
    site, _, _ = built
    en = site / "content/posts/en/2021-01-01-demo.md"
    en.write_text(en.read_text().replace("print(math.sqrt(mean * 3))", "print(math.sqrt(mean * 4))"))
    with pytest.raises(SiteError) as caught:
        build(site)
    assert any(m.startswith("content/posts/en/2021-01-01-demo.md:13: block 3 (inline) differs from block 3")
               for m in errors_of(caught))


def test_missing_file_and_region_are_located_errors(site):
    add_post(site, "fr", "2021-02-01-manque.md", '```python exec file="absent.py"\n```\n\n'
                                                 '```python exec file="demo.py" region="nope"\n```\n')
    with pytest.raises(SiteError) as caught:
        build(site)
    messages = errors_of(caught)
    assert "content/posts/fr/2021-02-01-manque.md:4: sample file code_samples/absent.py does not exist" in messages
    assert any(m.startswith("content/posts/fr/2021-02-01-manque.md:7: no region `nope` in code_samples/demo.py "
                            "(regions: setup, mean, helper)") for m in messages)


FAILURES = {
    "raises": ("raise ValueError('boom')", r"raised an exception:\n.*ValueError: boom"),
    "timeout": ("import time\ntime.sleep(30)", r"timed out after 2 s"),
    "exit": ("import os\nos._exit(1)", r"the kernel died"),
    "segfault": ("import ctypes\nctypes.string_at(0)", r"the kernel died"),
    "no-error": ("x = 1", r"was expected to raise an error"),
}


def test_every_failure_is_reported_in_one_run_and_others_still_run(site):
    for name, (code, _) in FAILURES.items():
        options = "timeout=2" + (" expect_error" if name == "no-error" else "")
        add_post(site, "en", f"2021-03-01-{name}.md", f"```python exec {options}\n{code}\n```\n\n```python exec\nprint('after')\n```\n")
    with pytest.raises(SiteError) as caught:
        build(site, BuildOptions(jobs=2))
    messages = errors_of(caught)
    for name, (_, pattern) in FAILURES.items():
        prefix = f"content/posts/en/2021-03-01-{name}.md:4: block 1 (inline): "
        assert any(m.startswith(prefix) and re.search(pattern, m, re.S) for m in messages), (name, messages)
    assert len(messages) == len(FAILURES)
    # the healthy demo pair still ran, but a failed build records no expected output
    checked = caught.value.execution.checked
    assert checked[("content/posts/fr/2021-01-01-demo.md", 2)].result.outputs[0].text == "mean = 2.0000\n"
    assert not (site / "code_samples/expected").exists()
    # the next build takes the healthy sessions from the cache and records their outputs
    for name in FAILURES:
        (site / f"content/posts/en/2021-03-01-{name}.md").unlink()
    assert build(site).execution.kernels == 0
    assert (site / "code_samples/expected/demo/main/demo-mean.txt").read_text() == "mean = 2.0000\n"


def test_traceback_names_the_block(site):
    add_post(site, "en", "2021-03-02-trace.md", "```python exec\ndef f():\n    return 1 / 0\n```\n\n```python exec\nf()\n```\n")
    with pytest.raises(SiteError) as caught:
        build(site)
    (message,) = [m for m in errors_of(caught) if "trace" in m]
    assert "block 2 (inline), line 1" in message and "block 1 (inline), line 2, in f()" in message
    assert "ZeroDivisionError: division by zero" in message


def test_huge_output_is_cut_and_says_so(site):
    add_post(site, "en", "2021-03-03-big.md", "```python exec\nprint('x' * 5_000_000)\n```\n")
    report = build(site)
    doc = parse((site / "_site/en/2021/03/03/big/index.html").read_bytes())
    assert len(doc.find("pre", **{"class": "exec-stdout"}).text) == 2000
    assert "4,998,001 more characters" in doc.find("p", **{"class": "exec-cut"}).text
    assert report.execution is not None


def test_figures_become_files_with_alt_text(site):
    code = "import matplotlib.pyplot as plt\nplt.plot([1, 2, 3])\nplt.show()"
    add_post(site, "en", "2021-03-04-fig.md", f'```python exec alt="A rising line."\n{code}\n```\n')
    add_post(site, "en", "2021-03-05-noalt.md", f"```python exec\n{code}\n```\n")
    with pytest.raises(SiteError) as caught:
        build(site)
    assert any(m.startswith("content/posts/en/2021-03-05-noalt.md:4: block 1 (inline) draws a figure: give it alt text")
               for m in errors_of(caught))
    (site / "content/posts/en/2021-03-05-noalt.md").unlink()
    build(site)
    img = parse((site / "_site/en/2021/03/04/fig/index.html").read_bytes()).find("img", **{"class": "exec-figure"})
    assert img.attrs["alt"] == "A rising line."
    svg = site / "_site" / img.attrs["src"].lstrip("/")
    assert svg.read_text().lstrip().startswith("<?xml") and "<svg" in svg.read_text()
    assert (site / "code_samples/expected/post-2021-03-04-fig/main/inline-1.txt").read_text() == "[figure image/svg+xml]\n"


def test_notebook_and_script_downloads(built):
    _, out, _ = built
    doc = parse((out / FR).read_bytes())
    links = [a.attrs["href"] for a in doc.find("aside", **{"class": "downloads"}).find_all("a")]
    assert links == ["/fr/2021/01/01/demo/demo.ipynb", "/fr/2021/01/01/demo/demo.py"]
    notebook = json.loads((out / "fr/2021/01/01/demo/demo.ipynb").read_text())
    assert notebook["nbformat"] == 4
    code_cells = [c for c in notebook["cells"] if c["cell_type"] == "code"]
    assert len(code_cells) == 4 and code_cells[1]["outputs"][0]["text"] == "mean = 2.0000\n"
    import nbformat

    nbformat.validate(nbformat.reads(json.dumps(notebook), as_version=4))
    script = (out / "fr/2021/01/01/demo/demo.py").read_text()
    compile(script, "demo.py", "exec")
    assert "# la moyenne des valeurs" in script


def test_samples_run_standalone():
    import subprocess
    import sys

    folder = FIXTURES / "exec/code_samples"
    done = subprocess.run([sys.executable, "demo.py"], cwd=folder, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and done.stdout == "mean = 2.0000\n4.0\n"


def child_kernels() -> list[str]:
    """Command lines of ipykernel processes descending from this test process."""
    import os

    parents, commands = {}, {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parents[int(entry.name)] = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
                commands[int(entry.name)] = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            except (OSError, IndexError, ValueError):
                continue

    def descends(pid: int) -> bool:
        while pid in parents and pid > 1:
            pid = parents[pid]
            if pid == os.getpid():
                return True
        return False

    return [cmd for pid, cmd in commands.items() if "ipykernel_launcher" in cmd and descends(pid)]


def test_nothing_is_left_running(site):
    add_post(site, "en", "2021-03-06-slow.md", "```python exec timeout=1\nimport time\ntime.sleep(60)\n```\n")
    add_post(site, "en", "2021-03-07-dies.md", "```python exec\nimport os\nos._exit(3)\n```\n")
    with pytest.raises(SiteError):
        build(site)
    assert child_kernels() == []


def test_an_interrupt_stops_every_kernel(site):
    """Ctrl-C during execution: the build stops promptly and no kernel is left behind."""
    import threading
    import time

    from sitegen.execution.kernels import SessionPlan, run_sessions

    plans = [SessionPlan(f"s{i}", ("import time\ntime.sleep(60)",), (120,), str(site)) for i in range(2)]
    main = threading.main_thread()
    import os
    import signal

    timer = threading.Timer(4.0, lambda: os.kill(os.getpid(), signal.SIGINT))
    timer.start()
    started = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        run_sessions(plans, 2, 1000)
    assert time.monotonic() - started < 20 and main.is_alive()
    assert child_kernels() == []


def test_declared_data_files_are_part_of_the_cache_key(site):
    (site / "code_samples/numbers.txt").write_text("1 2 3\n")
    add_post(site, "en", "2021-03-08-data.md",
             '```python exec data="numbers.txt"\nprint(sum(int(x) for x in open("numbers.txt").read().split()))\n```\n')
    build(site)
    assert build(site).execution.kernels == 0
    (site / "code_samples/numbers.txt").write_text("1 2 3 4\n")
    with pytest.raises(SiteError) as caught:       # re-ran: 10 is not the recorded 6
        build(site)
    assert any("-6\n+10" in m for m in errors_of(caught))
    (site / "code_samples/numbers.txt").unlink()
    with pytest.raises(SiteError) as caught:
        build(site)
    assert "content/posts/en/2021-03-08-data.md:4: block 1: data file code_samples/numbers.txt does not exist" in errors_of(caught)


def test_sessions_sharing_a_data_file_stay_apart(site):
    """`data=` once renamed the session after the data file, so two sessions reading it merged."""
    (site / "code_samples/numbers.txt").write_text("1 2 3\n")
    add_post(site, "en", "2021-03-09-two.md",
             '```python exec session="one" data="numbers.txt"\nx = 1\nprint("one", x)\n```\n\n'
             '```python exec session="two" data="numbers.txt"\nprint("two", "x" in dir())\n```\n')
    report = build(site)
    assert report.execution.kernels == 4        # with the fixture's two
    doc = parse((site / "_site/en/2021/03/09/two/index.html").read_bytes())
    assert [o.find("pre").text for o in doc.find_all("div") if o.has_class("exec-output")] == ["one 1", "two False"]
    recorded = site / "code_samples/expected/post-2021-03-09-two"
    assert sorted(p.relative_to(recorded).as_posix() for p in recorded.rglob("*.txt")) == ["one/inline-1.txt", "two/inline-2.txt"]
    assert build(site, BuildOptions(rerun=True)).execution.kernels == 4     # and --rerun agrees with what was recorded


def test_shown_code_is_the_code_that_ran(site):
    """`# fr:` lines inside a string are part of the string: shown as they are, in both languages."""
    import subprocess
    import sys

    code = ('# fr: un vrai commentaire\n# en: a real comment\ntext = """\n# fr: dans une chaîne\n'
            '# en: in a string\n"""\nprint(text.strip())')
    for lang in ("fr", "en"):
        add_post(site, lang, "2021-03-10-chaine.md", f"```python exec\n{code}\n```\n")
    build(site)
    out = site / "_site/fr/2021/03/10/chaine"
    page = parse((out / "index.html").read_bytes())
    shown = page.find("div", **{"class": "highlight"}).text
    assert "# un vrai commentaire" in shown and "a real comment" not in shown
    assert "# fr: dans une chaîne\n# en: in a string" in shown
    ran = page.find("pre", **{"class": "exec-stdout"}).text
    assert ran == "# fr: dans une chaîne\n# en: in a string"
    # the downloaded script, run as it is, prints what the page shows
    script = (out / "chaine.py").read_text(encoding="utf-8")
    assert "# fr: dans une chaîne" in script
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == ran


def test_sessions_finished_before_an_interrupt_are_cached(site):
    """Ctrl-C while one session still runs: those that completed are cached, and not run again."""
    import os
    import signal
    import threading
    import time

    add_post(site, "en", "2021-03-11-slow.md", "```python exec timeout=900\nimport time\ntime.sleep(600)\n```\n")
    entries = site / ".cache/exec"

    def interrupt_when_the_others_are_cached() -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and len([p for p in entries.rglob("*.json") if p.name != "index.json"]) < 2:
            time.sleep(0.1)
        os.kill(os.getpid(), signal.SIGINT)

    watcher = threading.Thread(target=interrupt_when_the_others_are_cached, daemon=True)
    watcher.start()
    with pytest.raises(KeyboardInterrupt):
        build(site, BuildOptions(jobs=2))
    watcher.join()
    assert not (site / "code_samples/expected").exists()        # an interrupted build records nothing
    (site / "content/posts/en/2021-03-11-slow.md").unlink()
    report = build(site)
    assert report.execution.kernels == 0
    assert (site / "code_samples/expected/demo/main/demo-mean.txt").read_text() == "mean = 2.0000\n"


@pytest.mark.parametrize("content", ["[]", "{}", '{"results": 3}', '{"format": 1, "results": [{"status": []}]}',
                                     '{"demo/main": [], "post-2021-01-02-other/main": 3}'])
def test_cache_entries_of_the_wrong_shape_run_again(built, content):
    site, _, _ = built
    for entry in (site / ".cache/exec").rglob("*.json"):
        entry.write_text(content)        # index.json too
    report = build(site, BuildOptions(explain=True))
    assert report.execution.kernels == 2
    assert build(site).execution.kernels == 0


def test_an_unreadable_expected_output_is_a_located_error(built):
    site, _, _ = built
    expected = site / "code_samples/expected/demo/main/demo-mean.txt"
    expected.write_bytes(b"mean = \xff\n")
    with pytest.raises(SiteError) as caught:
        build(site)
    (message,) = errors_of(caught)
    assert message.startswith("content/posts/fr/2021-01-01-demo.md:10: block 2 (demo.py#mean): cannot read "
                              "code_samples/expected/demo/main/demo-mean.txt (not UTF-8 text")
    assert expected.read_bytes() == b"mean = \xff\n"            # the author's file is left alone
    build(site, BuildOptions(accept=True))
    assert expected.read_text() == "mean = 2.0000\n"
