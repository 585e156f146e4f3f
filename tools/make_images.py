"""Rasterize the theme's images with Debian's Chromium (Playwright): favicon.ico and
apple-touch-icon.png from static/favicon.svg, and the default social card (static/images/social.png,
site.yaml's `image`) from the site's title and description.

    python tools/make_images.py
"""
from __future__ import annotations

import struct
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
STATIC = REPO / "static"
CARD = """<!doctype html><html><body style="margin:0">
<div style="width:1200px;height:630px;box-sizing:border-box;padding:80px;background:#fdfcf9;color:#1f2328;
 font-family:'DejaVu Sans',sans-serif;display:flex;flex-direction:column;justify-content:center;border-left:40px solid #0b5cad">
 <div style="font-size:84px;font-weight:700">{title}</div>
 <div style="font-size:40px;color:#5c6370;margin-top:32px;line-height:1.3">{description}</div>
 <div style="font-size:34px;color:#0b5cad;margin-top:48px">{other}</div>
</div></body></html>"""


def ico(png: bytes, size: int) -> bytes:
    """An .ico holding one PNG image (every browser reads PNG-in-ICO)."""
    header = struct.pack("<HHH", 0, 1, 1)
    entry = struct.pack("<BBBBHHII", size % 256, size % 256, 0, 0, 1, 32, len(png), 6 + 16)
    return header + entry + png


def main() -> None:
    from playwright.sync_api import sync_playwright

    config = yaml.safe_load((REPO / "site.yaml").read_text(encoding="utf-8"))
    svg = (STATIC / "favicon.svg").read_text(encoding="utf-8")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        for size, write in ((32, lambda png: (STATIC / "favicon.ico").write_bytes(ico(png, 32))),
                            (180, lambda png: (STATIC / "apple-touch-icon.png").write_bytes(png))):
            page = browser.new_page(viewport={"width": size, "height": size})
            page.set_content(f'<body style="margin:0">{svg.replace("<svg ", f"<svg width={size} height={size} ", 1)}</body>')
            write(page.screenshot(omit_background=True))
            page.close()
        page = browser.new_page(viewport={"width": 1200, "height": 630})
        lang = config.get("default_language", "fr")
        title, description = config["title"], config["description"]
        others = [t for lg, t in title.items() if lg != lang]
        page.set_content(CARD.format(title=title[lang], description=description[lang], other=" · ".join(others)))
        (STATIC / "images").mkdir(exist_ok=True)
        (STATIC / "images" / "social.png").write_bytes(page.screenshot())
        browser.close()
    for name in ("favicon.ico", "apple-touch-icon.png", "images/social.png"):
        print(f"wrote static/{name} ({(STATIC / name).stat().st_size:,} bytes)")


if __name__ == "__main__":
    main()
