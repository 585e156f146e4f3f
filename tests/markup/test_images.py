"""sitegen/markup/images.py: sizes read from image bytes, written on <img>."""
from __future__ import annotations

import struct
import zlib

import pytest

from sites import ROOT
from sitegen.markup.images import add_sizes, image_size


def png(width: int, height: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)) + chunk(b"IEND", b"")


@pytest.mark.parametrize("data, size", [
    (png(640, 480), (640, 480)),
    (b"GIF89a" + struct.pack("<HH", 12, 34) + b"\0" * 8, (12, 34)),
    (b"\xff\xd8\xff\xe0\x00\x04ab\xff\xc0\x00\x11\x08" + struct.pack(">HH", 200, 300) + b"\0" * 10, (300, 200)),
    (b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="460.8pt" height="345.6pt">', (614, 461)),
    (b'<svg viewBox="0 0 700 300" xmlns="http://www.w3.org/2000/svg">', (700, 300)),
    (b'<svg width="350" viewBox="0 0 700 300">', (350, 150)),
    (b"not an image", None),
])
def test_image_size(data, size):
    assert image_size(data) == size


def test_the_sites_own_images_have_sizes():
    assert image_size((ROOT / "static/images/bn/mlp-bn.fr.svg").read_bytes()) == (700, 300)
    assert image_size((ROOT / "static/apple-touch-icon.png").read_bytes()) == (180, 180)


def test_add_sizes_only_where_known_and_unset():
    html = '<p><img src="/a.png" alt="a"><img src="/b.png" width="5"><img src="/c.png"><img alt="x" src="/a.png"/></p>'
    out = add_sizes(html, {"/a.png": (10, 20), "/b.png": (1, 1)})
    assert out == ('<p><img src="/a.png" alt="a" width="10" height="20"><img src="/b.png" width="5"><img src="/c.png">'
                   '<img alt="x" src="/a.png" width="10" height="20"/></p>')
