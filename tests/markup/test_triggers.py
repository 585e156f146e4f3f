"""sitegen/markup/triggers.py: skipping the processors a text has no trigger for changes no output."""
from __future__ import annotations

from pathlib import Path

import pytest

from sitegen.markup.markdown import new_markdown
from sitegen.markup.triggers import BLOCK_TRIGGER, BLOCK_TRIGGERS, INLINE_TRIGGERS, LEADING_SPACE, found_inline

REPO = Path(__file__).resolve().parents[2]


def test_every_trigger_is_found_by_the_scan():
    for name, triggers in BLOCK_TRIGGERS.items():
        for trigger in triggers:
            if trigger != LEADING_SPACE:
                assert BLOCK_TRIGGER.findall(f"a{trigger}b") == [trigger], (name, trigger)
    for name, triggers in INLINE_TRIGGERS.items():
        for trigger in triggers:
            assert trigger in found_inline(f"a{trigger}b"), (name, trigger)


INLINE_MIX = """\
Plain words only, then `code with $dollar` and $x_1$ and \\(y\\) and \\$5, a [link](http://a.b "t"),
![alt](i.png), [ref][r], [short], <http://auto.link>, <me@mail.org>, <b>raw</b>, &amp; &#233;,
*em* **strong** _u_ __uu__ ***both***, ~~struck~~ a~~b~~c, a footnote[^n], a hard break  
here, `` double `tick` ``, \\*not em\\*, **bold with `code` and $m$ inside**, [**nested** `c`](x.html).
kramdown: $$k^2$$ and [$$\\gamma$$](#a), \\\\( r_t \\\\), <<guillemets>> and << spaced >>, a break\\
here.

- item with *em* and [link](y)
- item plain

| a | b |
|---|---|
| `c` | $d$ |

[r]: http://ref.example
[short]: http://short.example
[^n]: Note with *em*.
"""


BLOCK_MIX = """\
Title
=====

Subtitle
--------

# Atx *one* #

###### six

Para with a colon: and a dot. Then 3. not a list; a - dash; a | pipe; a > sign; a [bracket]; $1 and \\.

1. first
2. second
    * nested *em*
    * nested two

        indented paragraph in the list

- [ ] task
- [x] done
+ plus item

> quote line
continued
> > nested quote

* * *
___
- - -

!!! note "Title here"
    Admonition body with **bold**.

    Second paragraph of it.

Term
:   Definition with `code`.
:   Second definition.

| one |
|-----|
| cell |

a | b
--|--
1 | 2

    indented code
    block

$$
x^2 + 1
$$

\\[
y = 2
\\]

<div markdown="1">
Inside *div* markdown.
</div>

<div>raw html block ; ok ?</div>

The HTML specification is maintained by the W3C.

*[HTML]: Hyper Text Markup Language
*[W3C]:  World Wide Web Consortium

[ref]: http://example.org "Ref"
[^note]: A footnote, used[^note] here.

\u0663. an Arabic-Indic digit before a dot

Last line #hash and !!!bang without meaning.
"""


@pytest.mark.parametrize("doc", [
    INLINE_MIX, BLOCK_MIX,
    *INLINE_MIX.split("\n\n")[0].split(", "), "_u_", "__uu__", "~~s~~", "a  \nb",   # each construct alone, too
    *BLOCK_MIX.split("\n\n"),
    *[p.read_text(encoding="utf-8") for p in sorted(REPO.glob("content/**/*.md"))],
], ids=lambda d: d[:20])
def test_skipping_untriggered_processors_changes_nothing(doc):
    fast, stock = new_markdown(), new_markdown(triggered=False)
    assert type(fast.treeprocessors["inline"]) is not type(stock.treeprocessors["inline"])
    assert type(fast.parser) is not type(stock.parser)
    assert fast.convert(doc) == stock.convert(doc)
