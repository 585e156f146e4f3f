"""Fuzz: generated Markdown through Liquid and the Markdown render never raises.

Bodies are built from what the renderer supports — lists, quotes, fences, tables, math,
emphasis, links, images, raw HTML, admonitions, footnotes, definition lists, kramdown's attribute
lists, extensions and typography, Liquid tags, placeholders of executed blocks — nested, broken and combined at random, sometimes
nested hundreds of levels deep. The outcome is always a rendered body (its errors located at a
line of the body) or Liquid problems located in the file, never an exception. Derandomized for
CI; SITEGEN_FUZZ=explore runs many more examples, at random.
"""
from __future__ import annotations

import os

from hypothesis import HealthCheck, given, settings, strategies as st

from sitegen.errors import Problem
from sitegen.markup import PLACEHOLDER, Rendered, render
from sitegen.sources import LiquidContext, render_liquid

EXPLORE = os.environ.get("SITEGEN_FUZZ") == "explore"
FUZZ = settings(max_examples=3000 if EXPLORE else 150, derandomize=not EXPLORE, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
PATH, FIRST_LINE = "content/posts/fr/2021-04-05-x.md", 5
CONTEXT = LiquidContext("https://example.org", "/blog",
                        lambda stem: "/fr/2021/04/05/x/" if stem == "2021-04-05-x" else None)

TEXT = st.text(st.one_of(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")),
                         st.sampled_from(list(" ;:!?«»\"'’&<>*_`$\\[](){}#|~^=+-.,/@%\u00a0\u202f"))), max_size=10)
LATEX = st.sampled_from([
    "x^2", r"\frac{a}{b}", r"\sqrt{x}", r"\mathbb{1}", r"\boldsymbol{x}", r"\hat\mu_B", r"\frac{", "}", r"\boxed{x}",
    r"\begin{align*} a &= b \\ c &= d \end{align*}", r"\begin{aligned} a \end{aligned}", r"\foo", "", r"\\", "a_{",
    r"\left( x \right.", r"\text{é « x »}", r"\operatorname*{arg}", "x \\$ y",
])
INLINE = st.one_of(
    TEXT, TEXT, TEXT,
    st.builds("*{}*".format, TEXT), st.builds("**{}**".format, TEXT), st.builds("_{}_".format, TEXT),
    st.builds("`{}`".format, TEXT), st.builds("``{}``".format, TEXT), st.builds("~~{}~~".format, TEXT),
    st.builds("[{}]({})".format, TEXT, st.sampled_from(["https://x.org/a?b=1&c", "/fr/", "", "<x y>", "javascript:x",
                                                         '/a "title"', "#frag", "(", "ftp://é"])),
    st.builds("![{}]({})".format, TEXT, st.sampled_from(["/images/x.png", "", "x.svg", "<>"])),
    st.builds("[{}][ref]".format, TEXT), st.builds("<{}>".format, st.sampled_from(["https://x.org", "a@b.c", "span", "/b"])),
    st.builds("${}$".format, LATEX), st.builds("\\({}\\)".format, LATEX), st.builds("*{}*{{lang=en}}".format, TEXT),
    st.sampled_from(["\\$", "$", "$$", "[^1]", "[^x]", "<!--more-->", "<!--", "-->", "{: .c #i}", "{:", "&amp;",
                     "&#0;", "&#x110000;", "&nbsp;", "<span lang=\"en\">x</span>", "<b>", "</div>", "<script>x</script>",
                     "{{ site.url }}", "{{ site.baseurl }}", "{{ page.title }}", "{%", "%}", "{{", "}}",
                     "{% post_url 2021-04-05-x %}", "{% post_url nope %}", "{% include x %}", "{% raw %}{{ x }}{% endraw %}",
                     "{% comment %}x{% endcomment %}", "{% endraw %}", "SITEGENBLOCK0X", "SITEGENBLOCK7X", "[TOC]",
                     "  ", "\t", "\\", "\u2028", "\ufeff", "\u0301",
                     # kramdown: span IALs, extensions, typography
                     "{: .red}", "{: #x .y style=\"a: b\"}", "{:x}", "{::comment}x{:/comment}", "{::nomarkdown}<b>{:/}",
                     "{::options parse_block_html=\"true\" /}", "{:/comment}", "--", "---", "...", "<<", ">>",
                     "\"quoted\"", "'single'", "l'apostrophe", "\\"]),
)
LINE = st.lists(INLINE, max_size=6).map("".join)


def prefix(lines: list[str], first: str, rest: str) -> list[str]:
    return [(first if i == 0 else rest) + line for i, line in enumerate(lines)] or [first.rstrip()]


@st.composite
def blocks(draw, depth: int = 0) -> list[str]:
    """Lines of a sequence of Markdown blocks."""
    lines: list[str] = []
    for _ in range(draw(st.integers(1, 4 if depth < 3 else 1))):
        kind = draw(st.sampled_from(["para"] * 4 + ["heading", "list", "ordered", "tasks", "quote", "fence", "table",
                                     "display", "admonition", "deflist", "html", "footnote", "abbr", "hr", "liquid",
                                     "placeholder", "deep", "kramdown"]))
        if depth >= 3 and kind in ("list", "ordered", "tasks", "quote", "admonition", "html", "footnote"):
            kind = "para"
        if kind == "para":
            lines += draw(st.lists(LINE, min_size=1, max_size=3))
        elif kind == "heading":
            lines.append("#" * draw(st.integers(1, 7)) + " " + draw(LINE) + draw(st.sampled_from(["", " {#id}", " #"])))
        elif kind in ("list", "ordered", "tasks"):
            for n in range(draw(st.integers(1, 3))):
                marker = {"list": draw(st.sampled_from(["- ", "* ", "+ "])), "ordered": f"{n + 1}. ",
                          "tasks": draw(st.sampled_from(["- [ ] ", "- [x] "]))}[kind]
                lines += prefix(draw(blocks(depth + 1)), marker, draw(st.sampled_from(["    ", "  ", "\t"])))
        elif kind == "quote":
            lines += prefix(draw(blocks(depth + 1)), "> ", draw(st.sampled_from(["> ", ">", ""])))
        elif kind == "fence":
            mark = draw(st.sampled_from(["```", "~~~", "````"]))
            info = draw(st.sampled_from(["", "python", "python exec", 'python linenums="1"', 'py linenums="x"',
                                         "{.python .x}", "nosuchlexer", "math", "text hl_lines=\"2\""]))
            code = draw(st.lists(TEXT, max_size=3))
            lines += [mark + info, *code] + ([mark] if draw(st.integers(0, 5)) else [])   # sometimes unclosed
        elif kind == "table":
            cols = draw(st.integers(1, 3))
            lines.append("| " + " | ".join(draw(LINE) for _ in range(cols)) + " |")
            lines.append("|" + "|".join(draw(st.sampled_from([":--", "--:", ":-:", "---", "-"])) for _ in range(cols)) + "|")
            lines += ["| " + " | ".join(draw(LINE) for _ in range(draw(st.integers(0, cols + 1)))) + " |"
                      for _ in range(draw(st.integers(0, 2)))]
        elif kind == "display":
            latex = draw(LATEX)
            lines += draw(st.sampled_from([["$$", latex, "$$"], [f"$${latex}$$"], ["\\[", latex, "\\]"], ["$$", latex]]))
        elif kind == "admonition":
            lines.append(f"!!! {draw(st.sampled_from(['note', 'warning', 'x']))} " + draw(st.sampled_from(['', '"Titre"', '""'])))
            lines += ["    " + line for line in draw(blocks(depth + 1))]
        elif kind == "deflist":
            lines += [draw(LINE) or "term", ": " + draw(LINE)]
        elif kind == "html":
            tag = draw(st.sampled_from(['<div markdown="1">', "<div>", "<details markdown>", "<table>", "<p>"]))
            lines += [tag, "", *draw(blocks(depth + 1)), "", "</" + tag[1:].split(">")[0].split()[0] + ">"]
        elif kind == "footnote":
            lines += prefix(draw(blocks(depth + 1)), "[^1]: ", "    ")
        elif kind == "abbr":
            lines.append(f"*[{draw(TEXT)}]: {draw(TEXT)}")
        elif kind == "hr":
            lines.append(draw(st.sampled_from(["---", "***", "* * *", "___"])))
        elif kind == "liquid":
            lines += draw(st.sampled_from([["{% highlight python linenos %}", "x = 1", "{% endhighlight %}"],
                                           ["{% raw %}", "{{ x }}", "{% endraw %}"], ["{% comment %}", "x", "{% endcomment %}"],
                                           ["{% highlight %}", "{% endhighlight %}"], ["{% raw %}"]]))
        elif kind == "kramdown":           # block IALs, ALDs, the kramdown TOC, extensions, tight blocks
            lines += draw(st.sampled_from([
                ["{: .center}"], ["{:name: .class #id}"], ["{: style=\"width: 100%;\"}"], ["{:"],
                ["* TOC", "{:toc}"], ["1. TOC", "{:toc}"], ["{::comment}", "x", "{:/comment}"], ["{::comment}"],
                ["{::nomarkdown}", "<div>raw", "{:/nomarkdown}"], ["{::options auto_ids=\"false\" /}"],
                ["para", "- tight list"], ["para", "```", "code", "```"], ["para", "# heading"], ["para", "> quote"],
                ["line\\", "break"], ["| no | header |", "| a | b |"], ["## Titre {#id}", "{: .no_toc}"],
            ]))
        elif kind == "placeholder":        # where an executed block goes, or an author typing one
            lines.append(PLACEHOLDER.format(draw(st.sampled_from([0, 1, 7, 10**30]))))
        else:   # deeper than anyone writes: Python-Markdown recurses per level (600 is past its limit)
            n = draw(st.sampled_from([30, 200, 600]))
            # one line per level costs Python-Markdown time cubic in the depth (9 s for 600): kept shallow
            lines += draw(st.sampled_from([["- " * n + "x"], ["> " * n + "x"], ["1. " * n + "x"],
                                           ["    " * i + "- x" for i in range(n // 10)],
                                           [">" * i + " x" for i in range(1, n // 10)]]))
        lines.append("" if draw(st.integers(0, 3)) else draw(st.sampled_from(["", "{: .note}", "  "])))
    return lines


@FUZZ
@given(blocks(), st.sampled_from(["fr", "en"]), st.sampled_from(["<!--more-->", "<!--cut-->", ""]), st.integers(0, 2),
       st.sampled_from(["readable", "kramdown"]))
def test_markdown_gives_a_body_or_located_problems(lines, lang, separator, executed, heading_ids):
    body = "\n".join(lines) + "\n"
    text, problems = render_liquid(body, CONTEXT, PATH, FIRST_LINE)
    last = FIRST_LINE + body.count("\n")
    for problem in problems:
        assert isinstance(problem, Problem) and problem.path == PATH and FIRST_LINE <= problem.line <= last, problem
    assert text.count("\n") == body.count("\n") or "{% highlight" in body   # later stages still point at the source
    rendered = render(text, lang, ("<div class=block>executed</div>",) * executed, separator, heading_ids)
    assert isinstance(rendered, Rendered) and isinstance(rendered.html, str)
    assert "KRAMDOWN" not in rendered.html or "KRAMDOWN" in body   # kramdown.py's marks never show
    for line, message in rendered.errors:
        assert 1 <= line <= text.count("\n") + 1 and message, (line, message)
