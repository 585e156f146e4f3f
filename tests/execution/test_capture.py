"""What a kernel's code can emit reaches its block, escaped, and nothing else: file-descriptor output
and child processes' output are captured in order, odd text never crashes the kernel's messages nor
leaks its internals, and the kernel sees only a documented environment."""
from __future__ import annotations

import pytest

from htmltools import parse
from sitegen.build import build
from sitegen.errors import SiteError

pytestmark = pytest.mark.kernel


@pytest.fixture
def site(site_factory):
    return site_factory("exec")


def post(site, name: str, *blocks: str) -> str:
    body = "\n".join(f"```python exec\n{code}\n```\n" for code in blocks)
    (site / "content/posts/en" / f"2021-06-01-{name}.md").write_text(f"---\ntitle: {name}\n---\n{body}", encoding="utf-8")
    return f"en/2021/06/01/{name}/index.html"


def shown(site, page: str) -> list[list[tuple[str, str]]]:
    """Per block, its outputs as (class, text) in page order."""
    doc = parse((site / "_site" / page).read_bytes())
    return [[(pre.attrs["class"], pre.text) for pre in out.find_all("pre")]
            for out in doc.find_all("div") if out.has_class("exec-output")]


def test_odd_text_is_escaped_and_fd_output_is_captured_in_order(site, capfd):
    page = post(site, "odd",
                'print("\\ud800 and \\udcff")',
                'import os\nprint("first")\nos.write(1, b"fd \\xff\\xfe\\n")\nprint("last")',
                'import subprocess\n_ = subprocess.run(["echo", "from a child"])\nprint("after the child")',
                'import os, sys\nos.write(2, b"to fd 2\\n")\nprint("bell\\x07 nul\\x00 tab\\t", file=sys.stderr)',
                'class Odd:\n    def __repr__(self):\n        return "odd \\ud83d"\nOdd()')
    report = build(site)
    assert shown(site, page) == [
        [("exec-stdout", "\\ud800 and \\udcff")],
        [("exec-stdout", "first\nfd \\xff\\xfe\nlast")],
        [("exec-stdout", "from a child\nafter the child")],
        [("exec-stderr", "to fd 2\nbell\\x07 nul\\x00 tab")],
        [("exec-result", "odd \\ud83d")],
    ]
    html = (site / "_site" / page).read_text(encoding="utf-8")
    assert "Traceback" not in html and "site-packages" not in html and "ipykernel" not in html
    # nothing reached the build's own terminal
    out, err = capfd.readouterr()
    assert "from a child" not in out + err and "fd " not in out + err and "to fd 2" not in out + err
    # what was recorded is what was shown, and the cached run shows it again
    assert (site / "code_samples/expected/post-2021-06-01-odd/main/inline-1.txt").read_text() == "\\ud800 and \\udcff\n"
    assert build(site).execution.kernels == 0 and report.execution.kernels == 3


SECRETS = {"AWS_SECRET_ACCESS_KEY": "aws-secret-value", "GITHUB_TOKEN": "gh-secret-value", "MY_SETTING": "visible"}
# what IPython and ipykernel put in their own environment, whatever they were given
THEIR_OWN = {"CLICOLOR", "CLICOLOR_FORCE", "FORCE_COLOR", "GIT_PAGER", "PAGER", "PYDEVD_USE_FRAME_EVAL", "JPY_PARENT_PID", "TERM"}


def test_the_kernel_gets_a_minimal_environment(site, monkeypatch):
    for name, value in SECRETS.items():
        monkeypatch.setenv(name, value)
    config = site / "site.yaml"
    config.write_text(config.read_text() + "  env: [MY_SETTING]\n")
    page = post(site, "env", "import os\nprint(*(os.environ.get(n) for n in "
                             "('AWS_SECRET_ACCESS_KEY', 'GITHUB_TOKEN', 'MY_SETTING')))",
                "print(sorted(os.environ))")
    build(site)
    (values,), (names,) = shown(site, page)
    assert values == ("exec-stdout", "None None visible")
    from sitegen.execution.kernels import FIXED, PASSED

    documented = set(PASSED) | set(FIXED) | {"IPYTHONDIR", "JUPYTER_CONFIG_DIR", "SITEGEN_SESSION", "MY_SETTING"}
    assert set(eval(names[1])) - THEIR_OWN <= documented
    assert {"PATH", "HOME", "LANG", "PYTHONHASHSEED", "OMP_NUM_THREADS", "MKL_NUM_THREADS"} <= set(eval(names[1]))
    # the list is part of the cache key: without it the session runs again, and no longer sees the value
    config.write_text(config.read_text().replace("  env: [MY_SETTING]\n", ""))
    with pytest.raises(SiteError) as caught:
        build(site)
    assert any("-None None visible\n+None None None" in p.message for p in caught.value.problems)
