"""site.data: the files of data/ (Jekyll's _data/) as Liquid reads them; plugin tags quoted by import."""
from __future__ import annotations

from sitegen.sources import LiquidContext, link_table, quote_unknown_tags, render_liquid

INPUTS = {
    "data/releases.yml": b"- version: 1.0\n  sha: aa11\n- version: 2.0\n  sha: bb22\n",
    "data/people/authors.json": b'{"sam": {"name": "Sam Doe"}}',
    "data/mirrors.csv": b"host,country\nmirror.example,FR\n",
    "data/broken.yml": b"key: [unclosed\n",
}


def _render(text: str, inputs=INPUTS) -> tuple[str, list]:
    table = link_table([], {}, "", inputs)
    ctx = LiquidContext("https://example.org", "", lambda target: None, site={"data": table.site_data})
    return render_liquid(text, ctx, "content/posts/en/x.md")


def test_yaml_json_and_csv_by_path():
    out, problems = _render('{% assign r = site.data.releases | where: "version", 2.0 | first %}{{ r.sha }} '
                            '{{ site.data.people.authors.sam.name }} {{ site.data.mirrors[0].country }}')
    assert out == "bb22 Sam Doe FR" and problems == []


def test_a_file_that_does_not_parse_is_left_out_and_said_where_used():
    out, problems = _render("[{{ site.data.broken.key }}]")
    assert out == "[]"
    assert [p.line for p in problems if p.warning] == [1]


def test_data_changes_the_digest_of_what_liquid_reads():
    before = link_table([], {}, "", INPUTS).digest
    after = link_table([], {}, "", {**INPUTS, "data/releases.yml": b"- version: 3.0\n"}).digest
    assert before != after


def test_plugin_tags_quoted_outside_raw_only():
    text = "{% twitter https://x/1 %} {% if a %}b{% endif %} {% raw %}{% octicon x %}{% endraw %} {%octicon y%}"
    quoted, names = quote_unknown_tags(text, {"if", "endif", "raw", "endraw"})
    assert quoted == ("{% raw %}{% twitter https://x/1 %}{% endraw %} {% if a %}b{% endif %} "
                      "{% raw %}{% octicon x %}{% endraw %} {% raw %}{%octicon y%}{% endraw %}")
    assert names == ["octicon", "twitter"]
