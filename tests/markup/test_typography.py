"""sitegen/markup/typography.py: French spacing on text nodes only."""
from __future__ import annotations

import pytest

from sitegen.markup.typography import NBSP, NNBSP, french

assert NBSP == "\u00a0" and NNBSP == "\u202f"


@pytest.mark.parametrize("before, after", [
    # an ordinary space becomes the right no-break space
    ("<p>Bonjour ; ça va ? Oui ! Voici : la suite</p>",
     f"<p>Bonjour{NNBSP}; ça va{NNBSP}? Oui{NNBSP}! Voici{NBSP}: la suite</p>"),
    # no space at all: one is added
    ("<p>Bonjour; ça va? Oui! Voici: la suite</p>",
     f"<p>Bonjour{NNBSP}; ça va{NNBSP}? Oui{NNBSP}! Voici{NBSP}: la suite</p>"),
    # several spaces, or the wrong no-break space, collapse to one
    (f"<p>Quoi  ? Non{NBSP}! Alors{NNBSP}:</p>", f"<p>Quoi{NNBSP}? Non{NNBSP}! Alors{NBSP}:</p>"),
    # runs of marks get one space before the run
    ("<p>Vraiment?! Oui!!!</p>", f"<p>Vraiment{NNBSP}?! Oui{NNBSP}!!!</p>"),
    # end of a text node, before a closing bracket
    ("<p>(vraiment ?)</p>", f"<p>(vraiment{NNBSP}?)</p>"),
])
def test_spacing_before_punctuation(before, after):
    assert french(before) == after


@pytest.mark.parametrize("before, after", [
    ("<p>«bonjour»</p>", f"<p>«{NBSP}bonjour{NBSP}»</p>"),
    ("<p>« bonjour »</p>", f"<p>«{NBSP}bonjour{NBSP}»</p>"),
    ("<p>« Oui ! »</p>", f"<p>«{NBSP}Oui{NNBSP}!{NBSP}»</p>"),
])
def test_guillemets(before, after):
    assert french(before) == after


def test_colon_after_inline_element():
    assert french("<p><em>Attention</em>: ici</p>") == f"<p><em>Attention</em>{NBSP}: ici</p>"


def test_punctuation_after_inline_code_is_spaced_but_code_is_not_touched():
    assert french("<p>Appelez <code>f(x)</code>?</p>") == f"<p>Appelez <code>f(x)</code>{NNBSP}?</p>"


@pytest.mark.parametrize("text", [
    "<p>Il est 10:30, rendez-vous à 12:05.</p>",
    "<p>Un ratio 16:9 et a::b.</p>",
    "<p>fin.</p>",
    "<p>Rien ici, vraiment rien.</p>",
    "<p>x!=y et a?b</p>",
    # a colon right before a URL is not the end of the text (seen in ruby-lang.org's French news)
    "<p>&lt;URL:https://cache.ruby-lang.org/pub/ruby-1.9.tar.bz2&gt;</p>",
])
def test_untouched_text(text):
    assert french(text) == text


@pytest.mark.parametrize("element", ["code", "pre", "kbd", "samp", "script", "style", "textarea", "math"])
def test_opaque_elements_are_untouched(element):
    inner = "a ? b : c; d ! « e »"
    text = f"<{element}>{inner}</{element}>"
    assert french(text) == text


def test_nested_opaque_elements():
    text = '<pre><code class="language-python">x = a ? b : c  # vraiment ?\n</code></pre><p>Et ?</p>'
    assert french(text) == f'<pre><code class="language-python">x = a ? b : c  # vraiment ?\n</code></pre><p>Et{NNBSP}?</p>'


def test_math_children_untouched():
    text = '<p>Soit <math display="inline"><mrow><mi>f</mi><mo>:</mo><mi>x</mi><mo>!</mo></mrow></math> ok ?</p>'
    assert french(text) == text.replace("ok ?", f"ok{NNBSP}?")


def test_attributes_are_untouched():
    text = '<p><a href="https://x.org/?a=1;b=2" title="Quoi ? Ça : non !">lien</a> ?</p>'
    assert french(text) == text.replace("</a> ?", f"</a>{NNBSP}?")


def test_comments_are_untouched():
    text = "<!-- note : à revoir ? --><p>ok</p><!--more-->"
    assert french(text) == text


@pytest.mark.parametrize("url", [
    "http://example.org/a?b=1;c=2!",
    "https://example.org/page?x=1",
    "www.example.org/?q=a:b",
    "mailto:ada@example.org?subject=Salut!",
])
def test_urls_in_text_are_untouched(url):
    text = f"<p>Voir {url} maintenant.</p>"
    assert french(text) == text


def test_text_after_url_still_fixed():
    assert french("<p>Voir https://example.org/a ?</p>") == f"<p>Voir https://example.org/a{NNBSP}?</p>"


@pytest.mark.parametrize("entity", ["&amp;", "&lt;", "&gt;", "&#8217;", "&#x27;", "&quot;"])
def test_entities_are_untouched(entity):
    text = f"<p>Tom {entity} Jerry</p>"
    assert french(text) == text


def test_entity_then_punctuation():
    assert french("<p>Q&amp;A ?</p>") == f"<p>Q&amp;A{NNBSP}?</p>"


@pytest.mark.parametrize("text", [
    "<p>Bonjour ; ça va ? « Oui » : c'est ça !</p>",
    "<p>Bonjour; ça va? «Oui»: c'est ça!</p>",
    "<p><em>Note</em>: <code>a ? b</code>?</p>",
    "<p>Voir http://x.org/?a ; puis ?</p>",
    f"<p>Déjà{NBSP}? Oui{NNBSP}; «{NBSP}x{NBSP}»</p>",
])
def test_idempotent(text):
    once = french(text)
    assert french(once) == once


def test_plain_text_without_tags():
    assert french("Alors ?") == f"Alors{NNBSP}?"


def test_empty():
    assert french("") == ""


def test_text_marked_as_another_language_is_left_alone():
    out = french('<p>Voir <em lang="en">How: does <b>it</b> work?</em> ici : oui ?</p>')
    assert '<em lang="en">How: does <b>it</b> work?</em>' in out
    assert out.endswith("ici\u00a0: oui\u202f?</p>")


def test_text_marked_french_is_still_spaced():
    assert french('<span lang="fr">Oui ?</span>') == '<span lang="fr">Oui\u202f?</span>'
