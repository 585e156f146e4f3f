"""Golden pages: chosen pages of the `basic` fixture, compared byte for byte with tests/golden/.

Regenerate after an intended change of the theme or the renderer, then review the diff:

    python tests/golden.py
"""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
GOLDEN = HERE / "golden" / "basic"
PAGES = ("fr/2021/04/05/phase-d-entrainement/index.html", "en/2021/04/05/training-phase/index.html",
         "fr/2021/06/07/seulement-en-francais/index.html", "fr/index.html", "en/feed.xml", "sitemap.xml")


def build_basic(dest: Path) -> dict[str, bytes]:
    sys.path.insert(0, str(HERE))
    sys.path.insert(0, str(HERE.parent))
    from sites import make_site
    from sitegen.build import BuildOptions, build

    files = build(make_site("basic", dest), BuildOptions(write=False)).tree.files
    return {page: files[page] for page in PAGES}


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        for page, data in build_basic(Path(tmp)).items():
            target = GOLDEN / page
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            print(f"wrote {target.relative_to(HERE.parent)}")


if __name__ == "__main__":
    main()
