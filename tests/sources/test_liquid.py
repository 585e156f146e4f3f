"""sitegen/sources/liquid*.py: Jekyll's Liquid (filters, tags, includes), code kept opaque, every problem at its line."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from sitegen.sources import LiquidContext, render_liquid, split_fences

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
    problem = one_problem("a\n{% comment %}\nx\ny\n{% endcomment %}\n{% nope %}")
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
    text = "{% highlight python linenos %}\na\nb\nc\n{% endhighlight %}\n\n{% nope %}"
    assert one_problem(text).line == 7


def test_highlight_holding_a_fence_is_not_cut():
    text = "{% highlight markdown %}\n```python\nx = 1\n```\n{% endhighlight %}\nafter"
    out = clean(text)
    assert out.split("\n")[0] == "````markdown" and out.split("\n")[4] == "````"
    assert "```python\nx = 1\n```" in out and out.count("\n") == text.count("\n")


@pytest.mark.parametrize("text, shown", [
    ("```liquid\n{% raw %}{{ page.title }}{% endraw %}\n```", "```liquid\n{{ page.title }}\n```"),
    ("`{% raw %}{{ x }}{% endraw %}` inline", "`{{ x }}` inline"),
    ("{% highlight liquid %}\n{% raw %}{% if a %}{% endraw %}\n{% endhighlight %}", "```liquid\n{% if a %}\n```"),
])
def test_raw_inside_code_shows_its_text_literally(text, shown):
    assert clean(text) == shown


def test_post_url_found():
    assert clean("[suite]({% post_url 2021-04-05-phase-d-entrainement %})") == \
        "[suite](/fr/2021/04/05/phase-d-entrainement/)"


def test_post_url_missing_is_error_with_name_and_line():
    problem = one_problem("texte\n\nvoir {% post_url 2021-01-01-absent %}")
    assert problem.line == 3
    assert "2021-01-01-absent" in problem.message and "post_url" in problem.message


def test_site_url_and_baseurl():
    assert clean("{{ site.url }}{{ site.baseurl }}/fr/ {{site.url}}") == "https://blog.example/carnet/fr/ https://blog.example"


# --- the Liquid real posts use ----------------------------------------------------------------------

WHEN = datetime(2021, 4, 5, 15, 37, tzinfo=timezone(timedelta(hours=2)))
FULL = LiquidContext(
    "https://blog.example", "/carnet", POSTS.get,
    site={"title": "Carnet", "url": "https://blog.example", "baseurl": "/carnet", "author": "Ada",
          "social": {"github": "ada"}},
    page={"title": "Phase d'entraînement", "url": "/fr/x/", "date": WHEN, "categories": ["Deep Learning", "BN"],
          "tags": ["pytorch"], "steps": ["un", "deux", "trois"], "lang": "fr"},
    link={"_posts/2021-04-05-phase-d-entrainement.md": "/carnet/fr/2021/04/05/phase-d-entrainement/"}.get,
    includes={"note.html": "<aside class=\"{{ include.kind }}\">{{ include.text }} ({{ page.lang }})</aside>",
              "deep/figure.html": "![{{ include.alt }}]({{ include.src | relative_url }})",
              "broken.html": "ok\n{{ x | nonexistent }}", "code.html": "```\n{{ not_liquid }}\n```"},
)


def full(text: str) -> str:
    out, problems = render_liquid(text, FULL, "content/posts/fr/p.md")
    assert [p for p in problems if not p.warning] == [], [str(p) for p in problems]
    return out


@pytest.mark.parametrize("text, expected", [
    ("{{ '/assets/a.png' | relative_url }}", "/carnet/assets/a.png"),
    ("{{ 'assets/a b.png' | relative_url }}", "/carnet/assets/a%20b.png"),
    ("{{ 'https://x.org/a' | relative_url }}", "https://x.org/a"),
    ("{{ '/fr/' | absolute_url }}", "https://blog.example/carnet/fr/"),
    ("{{ page.url | absolute_url }}", "https://blog.example/carnet/fr/x/"),
    ("{{ page.date | date_to_string }}", "05 Apr 2021"),
    ("{{ page.date | date_to_long_string }}", "05 April 2021"),
    ("{{ page.date | date_to_string: 'ordinal', 'US' }}", "Apr 5th, 2021"),
    ("{{ page.date | date: '%-d %B %Y' }}", "5 April 2021"),
    ("{{ page.date | date_to_xmlschema }}", "2021-04-05T15:37:00+02:00"),
    ("{{ page.date }}", "2021-04-05 15:37:00 +0200"),
    ("{{ '2021-01-02' | date: '%Y/%m' }}", "2021/01"),
    ("{{ \"a<b & 'c'\" | xml_escape }}", "a&lt;b &amp; &#39;c&#39;"),
    ("{{ '<b>x</b>' | escape }}", "&lt;b&gt;x&lt;/b&gt;"),
    ("{{ 'Hello World_x!' | slugify }}", "hello-world-x"),
    ("{{ page.title | slugify: 'pretty' }}", "phase-d'entraînement"),
    ("{{ page.title | slugify: 'latin' }}", "phase-d-entrainement"),
    ("{{ page.title | upcase }} {{ 'ABC' | downcase }}", "PHASE D'ENTRAÎNEMENT abc"),
    ("{{ 'b' | append: 'c' | prepend: 'a' }}", "abc"),
    ("{{ page.missing | default: 'rien' }}", "rien"),
    ("{{ page.steps | size }} {{ page.title | size }}", "3 20"),
    ("{{ page.steps | join: ', ' }} {{ page.steps | first }} {{ page.steps | last }}", "un, deux, trois un trois"),
    ("{{ '<p>Un <em>mot</em></p>' | strip_html }}", "Un mot"),
    ("{{ page.tags | jsonify }} {{ site.social | jsonify }}", '["pytorch"] {"github":"ada"}'),
    ("{{ page.categories | array_to_sentence_string }}", "Deep Learning and BN"),
    ("{{ site.title }} · {{ site.author }} · {{ site.social.github }} · {{ page.categories[1] }}",
     "Carnet · Ada · ada · BN"),
    ("{% link _posts/2021-04-05-phase-d-entrainement.md %}", "/carnet/fr/2021/04/05/phase-d-entrainement/"),
])
def test_filters_and_variables(text, expected):
    assert full(text) == expected


def test_assign_capture_if_unless_for():
    text = "\n".join([
        "{% assign n = page.steps | size %}{% capture who %}{{ site.author }}!{% endcapture %}",
        "{% if n > 2 and page.title contains 'Phase' %}many{% elsif n == 1 %}one{% else %}few{% endif %}",
        "{% unless page.draft %}published{% endunless %} {{ who }}",
        "{% for s in page.steps %}{{ forloop.index }}={{ s }}{% unless forloop.last %}, {% endunless %}{% endfor %}",
        "{% if page.tags contains 'pytorch' or page.nothing %}tagged{% endif %}",
        "{% case page.lang %}{% when 'fr' %}français{% else %}other{% endcase %}",
    ])
    assert full(text).split("\n") == [
        "", "many", "published Ada!", "1=un, 2=deux, 3=trois", "tagged", "français"]


def test_include_with_parameters():
    out = full('{% include note.html kind="info" text=page.title %} {% include deep/figure.html alt=\'A\' src="/i.png" %}')
    assert out == '<aside class="info">Phase d\'entraînement (fr)</aside> ![A](/carnet/i.png)'


def test_include_keeps_its_code_opaque():
    assert full("{% include code.html %}") == "```\n{{ not_liquid }}\n```"


def test_include_name_from_a_variable():
    assert full("{% assign f = 'note.html' %}{% include {{ f }} kind='k' text='t' %}") == '<aside class="k">t (fr)</aside>'


def test_include_problems_point_into_the_include():
    _, problems = render_liquid("a\n{% include broken.html %}", FULL, "content/posts/fr/p.md")
    assert [(p.path, p.line) for p in problems] == [("templates/_includes/broken.html", 2)]
    assert "nonexistent" in problems[0].message


@pytest.mark.parametrize("text, message", [
    ("x\n{% include absent.html %}", "no file templates/_includes/absent.html"),
    ("x\n{% include ../secret %}", "invalid file name"),
    ("x\n{% include note.html kind %}", "parameters are written key="),
    ("x\n{% link _posts/nothing.md %}", "no post, page or static file"),
])
def test_include_and_link_problems(text, message):
    _, problems = render_liquid(text, FULL, "content/posts/fr/p.md")
    assert len(problems) == 1 and problems[0].line == 2 and message in problems[0].message, problems


def test_undefined_variable_is_a_warning_and_prints_nothing():
    out, problems = render_liquid("a {{ page.titel }} b", FULL, "content/posts/fr/p.md")
    assert out == "a  b"
    assert len(problems) == 1 and problems[0].warning and "page.titel" in problems[0].message


# --- anything else is an error at its line --------------------------------------------------------

@pytest.mark.parametrize("text, message", [
    ("{% nope %}", "unknown Liquid tag `nope`"),
    ("{% include_relative x.md %}", "unknown Liquid tag `include_relative`"),
    ("{{ site.url | nofilter }}", "unknown Liquid filter `nofilter`"),
    ("{% if true %}{{ 1 | nofilter: 2 }}{% endif %}", "unknown Liquid filter `nofilter`"),
    ("{% if x %}", "`{% if %}` is never closed"),
    ("{% for a in b %}", "`{% for %}` is never closed"),
])
def test_unknown_or_broken_is_an_error(text, message):
    out, problems = liquid("x\n" + text)
    assert len(problems) == 1 and problems[0].line == 2, [str(p) for p in problems]
    assert message in problems[0].message
    assert out == "x\n" + text                # left as written


@pytest.mark.parametrize("text", ["A {{ x", "{{ page.title", "x {% ", "{% if"])
def test_a_tag_or_output_never_closed_is_an_error_not_a_traceback(text):
    """python-liquid's lexer raises at the first unclosed delimiter (found by the Markdown fuzz test)."""
    out, problems = liquid(f"Line one.\n{text}\n")
    assert problems and all(not p.warning and p.path for p in problems), problems


def test_unknown_filter_in_a_branch_not_taken_is_still_an_error():
    assert "nofilter" in one_problem("{% if false %}\n{{ 1 | nofilter }}{% endif %}").message


def test_first_line_offsets_error_lines():
    # the body starts at line 6 of the file (after the front matter)
    assert one_problem("a\nb\n{% nope %}", first_line=6).line == 8


def test_unclosed_raw_is_reported():
    _, problems = liquid("a\n{% raw %}\nb")
    assert any("raw" in p.message and "closed" in p.message and p.line == 2 for p in problems)


def test_stray_endraw_is_reported():
    assert "no opening" in one_problem("{% endraw %}").message


def test_every_problem_is_reported():
    _, problems = liquid("{% a %}\n{{ b | c }}\n{% post_url 2000-01-01-none %}\n{% d %}")
    assert [p.line for p in problems] == [1, 2, 3, 4]


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
    problem = one_problem("`code` then {% nope %}")
    assert "nope" in problem.message


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
        "{% nope %}",            # 10
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


def test_link_finds_a_post_by_its_jekyll_folder_path():
    # ruby-lang.org keeps posts in <lang>/news/_posts/ and links them as `{% link en/news/_posts/x.md %}`
    from types import SimpleNamespace

    from sitegen.sources.liquid import link_table

    post = SimpleNamespace(path="content/posts/en/news/2019-10-01-cve.md", is_post=True, lang="en")
    table = link_table([post], {post.path: "/en/news/2019/10/01/cve/"}, "/base", {})
    assert table.link("en", "en/news/_posts/2019-10-01-cve.md") == "/base/en/news/2019/10/01/cve/"
    assert table.link("fr", "en/news/_posts/2019-10-01-cve.md") == "/base/en/news/2019/10/01/cve/"
    assert table.link("en", "news/_posts/2019-10-01-cve.md") == "/base/en/news/2019/10/01/cve/"
    assert table.link("en", "fr/news/_posts/2019-10-01-cve.md") is None
