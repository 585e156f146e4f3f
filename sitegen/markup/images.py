"""Images' intrinsic sizes, read from their bytes, written on their <img> as width and height, so
the page does not move while they load (and the theme can open them at full size).
"""
from __future__ import annotations

import html
import re
import struct

IMG = re.compile(r"<img\b[^>]*>")
SRC = re.compile(r'\bsrc="([^"]*)"')
LENGTH = re.compile(r"^\s*([0-9.]+)\s*(px|pt|pc|mm|cm|in)?\s*$")
PX = {None: 1.0, "px": 1.0, "pt": 4 / 3, "pc": 16.0, "mm": 96 / 25.4, "cm": 96 / 2.54, "in": 96.0}


def image_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) in CSS pixels of a PNG, GIF, JPEG, WebP or SVG; None when unknown."""
    if data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) >= 24:
        return struct.unpack(">II", data[16:24])
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return struct.unpack("<HH", data[6:10])
    if data.startswith(b"\xff\xd8"):
        return _jpeg(data)
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return _webp(data)
    head = data[:4096].decode("utf-8", "replace")
    if "<svg" in head:
        return _svg(head[head.index("<svg"):])
    return None


def _jpeg(data: bytes) -> tuple[int, int] | None:
    i = 2
    while i + 9 < len(data):
        if data[i] != 0xFF:
            return None
        marker, length = data[i + 1], struct.unpack(">H", data[i + 2:i + 4])[0]
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            height, width = struct.unpack(">HH", data[i + 5:i + 9])
            return width, height
        i += 2 + length
    return None


def _webp(data: bytes) -> tuple[int, int] | None:
    chunk = data[12:16]
    if chunk == b"VP8X":
        return 1 + int.from_bytes(data[24:27], "little"), 1 + int.from_bytes(data[27:30], "little")
    if chunk == b"VP8 ":
        width, height = struct.unpack("<HH", data[26:30])
        return width & 0x3FFF, height & 0x3FFF
    if chunk == b"VP8L":
        bits = int.from_bytes(data[21:25], "little")
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    return None


def _svg(tag: str) -> tuple[int, int] | None:
    tag = tag[:tag.find(">") + 1]
    attrs = dict(re.findall(r'([\w:-]+)\s*=\s*"([^"]*)"', tag))
    sizes = []
    for name in ("width", "height"):
        m = LENGTH.match(attrs.get(name, ""))
        sizes.append(round(float(m.group(1)) * PX[m.group(2)]) if m else None)
    if None in sizes and attrs.get("viewBox"):
        box = [float(v) for v in re.split(r"[\s,]+", attrs["viewBox"].strip())[2:4]]
        if len(box) == 2 and box[0] > 0:
            if sizes[0] is None and sizes[1] is None:
                sizes = [round(box[0]), round(box[1])]
            elif sizes[0] is None:
                sizes[0] = round(sizes[1] * box[0] / box[1])
            else:
                sizes[1] = round(sizes[0] * box[1] / box[0])
    return (sizes[0], sizes[1]) if None not in sizes and all(sizes) else None


def add_sizes(fragment: str, sizes: dict[str, tuple[int, int]]) -> str:
    """width and height on every <img> whose src has a known size and that sets neither."""
    if not sizes or "<img" not in fragment:
        return fragment

    def sized(m: re.Match) -> str:
        tag = m.group(0)
        src = SRC.search(tag)
        if src is None or re.search(r"\s(width|height)\s*=", tag):
            return tag
        size = sizes.get(html.unescape(src.group(1)))
        if size is None:
            return tag
        end = len(tag) - (2 if tag.endswith("/>") else 1)
        return f'{tag[:end].rstrip()} width="{size[0]}" height="{size[1]}"{tag[end:]}'

    return IMG.sub(sized, fragment)
