"""sitegen/sources/liquid.py: the Jekyll tag subset, code kept opaque, line numbers kept."""
from __future__ import annotations

import pytest

from sitegen.sources.liquid import LiquidContext, render_liquid, split_fences

POSTS = {"2021-04-05-phase-d-entrainement": "/fr/2021/04/05/phase-d-entrainement/"}
CTX = LiquidContext(site_url="https://blog.example", baseurl="/carnet", post_url=POSTS.get)


def liquid(text: str, first_line: int = 1):
    return render_liquid(text, CTX, "content/posts/fr/p.md", first_line)


def clean(text: str, first_line: int = 1) -> str:
    out, problems = liquid(text, first_line)
    assert problems == [], [str(p) for p in problems]
    return out


def one_problem(text: str, first_line: int = 1):
    _, problems = liquid(text, first_line)
    assert len(problems) == 1, [str(p) for p in problems]
    assert problems[0].path == "content/posts/fr/p.md" and not problems[0].warning
    return problems[0]


# --- supported tags ----------------------------------------------------------------------------

def test_plain_text_unchanged():
    text = "# Titre\n\nDu texte, des {accolades} et 50 % de remise.\n"
    assert clean(text) == text


def test_raw_keeps_its_content_literally():
    assert clean("a {% raw %}{{ page.title }} {% if x %}{% endraw %} b") == "a {{ page.title }} {% if x %} b"


def test_raw_with_whitespace_control_and_no_spaces():
    assert clean("{%raw%}{{x}}{%endraw%}|{%- raw -%}{{y}}{%- endraw -%}") == "{{x}}|{{y}}"


def test_raw_across_lines_keeps_line_count():
    text = "{% raw %}\n{{ a }}\n{{ b }}\n{% endraw %}\nend"
    out = clean(text)
    assert out.count("\n") == text.count("\n")
    assert "{{ a }}\n{{ b }}" in out


def test_comment_is_removed_and_lines_kept():
    text = "a\n{% comment %}\nsecret {{ nothing }}\n{% endcomment %}\nb"
    out = clean(text)
    assert "secret" not in out and "comment" not in out
    assert out.split("\n")[0] == "a" and out.split("\n")[-1] == "b"
    assert out.count("\n") == text.count("\n")


def test_comment_does_not_shift_later_error_lines():
    problem = one_problem("a\n{% comment %}\nx\ny\n{% endcomment %}\n{{ page.title }}")
    assert problem.line == 6


def test_highlight_becomes_fenced_block_keeping_lines():
    text = "before\n{% highlight python %}\nx = {'a': 1}\nprint(x)\n{% endhighlight %}\nafter"
    out = clean(text)
    assert out == "before\n```python\nx = {'a': 1}\nprint(x)\n```\nafter"
    assert out.count("\n") == text.count("\n")


def test_highlight_linenos_becomes_linenums():
    out = clean("{% highlight python linenos %}\nx = 1\n{% endhighlight %}")
    assert out.split("\n")[0] == '```python linenums="1"'
    assert out.split("\n")[-1] == "```"


def test_highlight_content_is_opaque():
    out = clean("{% highlight jinja %}\n{{ page.title }} {% if x %}\n{% endhighlight %}")
    assert "{{ page.title }} {% if x %}" in out


def test_highlight_then_error_line_is_right():
    text = "{% highlight python linenos %}\na\nb\nc\n{% endhighlight %}\n\n{{ page.date }}"
    assert one_problem(text).line == 7


def test_post_url_found():
    assert clean("[suite]({% post_url 2021-04-05-phase-d-entrainement %})") == \
        "[suite](/fr/2021/04/05/phase-d-entrainement/)"


def test_post_url_missing_is_error_with_name_and_line():
    problem = one_problem("texte\n\nvoir {% post_url 2021-01-01-absent %}")
    assert problem.line == 3
    assert "2021-01-01-absent" in problem.message and "post_url" in problem.message


def test_site_url_and_baseurl():
    assert clean("{{ site.url }}{{ site.baseurl }}/fr/ {{site.url}}") == "https://blog.example/carnet/fr/ https://blog.example"


# --- anything else is an error at its line --------------------------------------------------------

@pytest.mark.parametrize("text", [
    "{{ page.title }}",
    "{{ site.title }}",
    "{{ site.url | append: '/x' }}",
    "{% include note.html %}",
    "{% if x %}",
    "{% assign a = 1 %}",
])
def test_unsupported_is_an_error(text):
    out, problems = liquid("x\n" + text)
    assert len(problems) == 1 and problems[0].line == 2
    assert "unsupported Liquid" in problems[0].message
    assert text.strip() in problems[0].message
    assert "{% raw %}" in problems[0].message   # the hint
    assert out == "x\n" + text                # left as written


def test_first_line_offsets_error_lines():
    # the body starts at line 6 of the file (after the front matter)
    assert one_problem("a\nb\n{{ page.url }}", first_line=6).line == 8


def test_unclosed_raw_is_reported():
    _, problems = liquid("a\n{% raw %}\nb")
    assert any("raw" in p.message and "closing" in p.message and p.line == 2 for p in problems)


def test_stray_endraw_is_reported():
    assert "closing" in one_problem("{% endraw %}").message


def test_every_problem_is_reported():
    _, problems = liquid("{{ a }}\n{{ b }}\n{% c %}")
    assert [p.line for p in problems] == [1, 2, 3]


# --- code is opaque -----------------------------------------------------------------------------

@pytest.mark.parametrize("fence", ["```", "~~~", "````"])
def test_fenced_code_is_untouched(fence):
    text = f"{fence}python\nt = {{{{ 'a': 1 }}}}\nprint('{{% raw %}}')\n{{{{ x }}}}\n{fence}\n"
    assert clean(text) == text


def test_fenced_code_with_jinja_and_site_vars_is_untouched():
    text = "```jinja\n{% for p in posts %}{{ p.title }}{{ site.url }}{% endfor %}\n```"
    assert clean(text) == text


def test_indented_fence_in_a_list_is_untouched():
    text = "1. step\n\n    ```bash\n    echo ${{ secrets.TOKEN }}\n    ```\n"
    assert clean(text) == text


def test_longer_fence_not_closed_by_shorter():
    text = "````md\n```\n{{ x }}\n```\n````\n"
    assert clean(text) == text


def test_tilde_fence_not_closed_by_backticks():
    text = "~~~\n```\n{{ x }}\n~~~\n"
    assert clean(text) == text


def test_unclosed_fence_runs_to_the_end():
    text = "para\n```python\n{{ x }}\n"
    assert clean(text) == text


@pytest.mark.parametrize("span", ["`{{ x }}`", "``{% if a %}``", "`` a ` {{ b }} ``", "`{{ site.url }}`"])
def test_inline_code_spans_untouched(span):
    text = f"Écrire {span} dans le texte."
    assert clean(text) == text


def test_inline_code_does_not_hide_the_following_tag():
    problem = one_problem("`code` then {{ page.title }}")
    assert "page.title" in problem.message


def test_line_numbers_of_errors_after_fences_are_right():
    text = "\n".join([
        "intro",                 # 1
        "```python",             # 2
        "x = {{ 1 }}",           # 3
        "```",                   # 4
        "",                      # 5
        "~~~",                   # 6
        "{% tag %}",             # 7
        "~~~",                   # 8
        "see `{{ y }}`",         # 9
        "{{ page.title }}",      # 10
    ])
    out, problems = liquid(text, first_line=10)
    assert [p.line for p in problems] == [19]
    assert out.count("\n") == text.count("\n")


def test_raw_around_a_fenced_block():
    # the usual Jekyll idiom: wrap a fence holding {{ }} in raw. It must not be an error.
    text = "{% raw %}\n```jinja\n{{ x }}\n```\n{% endraw %}\nafter"
    out, problems = liquid(text)
    assert problems == [], [str(p) for p in problems]
    assert "```jinja\n{{ x }}\n```" in out
    assert "raw" not in out
    assert out.count("\n") == text.count("\n")


def test_comment_around_a_fenced_block():
    text = "{% comment %}\n```python\nold()\n```\n{% endcomment %}\nafter"
    out, problems = liquid(text)
    assert problems == [], [str(p) for p in problems]
    assert "old()" not in out and out.endswith("after")


# --- split_fences --------------------------------------------------------------------------------

def test_split_fences_chunks_and_lines():
    text = "a\nb\n```py\ncode\n```\nc\n~~~\nd\n~~~"
    assert split_fences(text) == [
        (False, "a\nb", 1),
        (True, "```py\ncode\n```", 3),
        (False, "c", 6),
        (True, "~~~\nd\n~~~", 7),
    ]


def test_split_fences_round_trips():
    text = "x\n```\ny\n```\n\n```\nz\n```\nw\n"
    assert "\n".join(chunk for _, chunk, _ in split_fences(text)) == text


def test_split_fences_no_fence():
    assert split_fences("just text") == [(False, "just text", 1)]
    assert split_fences("") == [(False, "", 1)]
