"""QR images of a survey link: no decoder is installed, so the PNG is read back with a
few lines of zlib and compared with segno's own matrix for the URL."""

from __future__ import annotations

import struct
import zlib
from xml.etree import ElementTree

import segno

from clearloop.surveys.qr import qr_code, qr_png, qr_svg

URL = "https://clearloop.example/s/3q2-Xb7fPw1uZsVh0cE9a4LmNkJtRyGd8iOoQeWzUxA/"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
SVG = "{http://www.w3.org/2000/svg}"


def _chunks(png: bytes) -> dict[bytes, bytes]:
    chunks: dict[bytes, bytes] = {}
    position = len(PNG_SIGNATURE)
    while position < len(png):
        (length,) = struct.unpack(">I", png[position : position + 4])
        kind = png[position + 4 : position + 8]
        chunks[kind] = chunks.get(kind, b"") + png[position + 8 : position + 8 + length]
        position += 12 + length
    return chunks


def _dark_pixels(png: bytes) -> list[list[bool]]:
    """Pixels of a 1-bit palette PNG (what segno writes for two colours): True where
    the palette entry is the dark colour. segno uses only filters None (0) and Up (2)."""
    chunks = _chunks(png)
    width, height, depth, colour_type = struct.unpack(">IIBB", chunks[b"IHDR"][:10])
    assert (depth, colour_type) == (1, 3)
    palette = [chunks[b"PLTE"][i : i + 3] for i in range(0, len(chunks[b"PLTE"]), 3)]
    raw = zlib.decompress(chunks[b"IDAT"])
    stride = (width + 7) // 8
    rows: list[bytes] = []
    for y in range(height):
        line = raw[y * (stride + 1) : (y + 1) * (stride + 1)]
        assert line[0] in (0, 2)
        data = (
            bytes(line[1:])
            if line[0] == 0
            else bytes((a + b) & 0xFF for a, b in zip(line[1:], rows[-1], strict=True))
        )
        rows.append(data)
    dark = bytes.fromhex("1b2333")
    return [
        [palette[(row[x // 8] >> (7 - x % 8)) & 1] == dark for x in range(width)] for row in rows
    ]


def test_png_draws_segnos_matrix_with_a_quiet_zone_at_the_scale():
    png = qr_png(URL, scale=3)
    expected = segno.make(URL, error="m", micro=False, boost_error=False).matrix
    size = len(expected) + 2 * 4

    pixels = _dark_pixels(png)

    assert png.startswith(PNG_SIGNATURE)
    assert len(pixels) == len(pixels[0]) == size * 3
    modules = [[pixels[y * 3 + 1][x * 3 + 1] for x in range(size)] for y in range(size)]
    assert all(not dark for dark in modules[0] + modules[3] + [row[-1] for row in modules])
    assert [row[4:-4] for row in modules[4:-4]] == [[bool(v) for v in r] for r in expected]


def test_code_is_a_full_qr_code_at_error_level_m():
    code = qr_code(URL)

    assert code.error == "M"
    assert not code.is_micro
    assert code.matrix == segno.make(URL, error="m", micro=False, boost_error=False).matrix


def test_png_is_eight_pixels_per_module_by_default():
    width, height = struct.unpack(">II", _chunks(qr_png(URL))[b"IHDR"][:8])

    assert width == height == (qr_code(URL).symbol_size(scale=8, border=4)[0])
    assert 200 <= width <= 600  # a version 3 to 5 code: big enough to print, small enough to mail


def test_svg_is_xml_without_declaration_with_a_title_and_the_dark_colour():
    svg = qr_svg(URL)
    root = ElementTree.fromstring(svg)  # noqa: S314 (our own output, not untrusted input)

    assert not svg.startswith(b"<?xml")
    assert root.tag == f"{SVG}svg"
    assert root.find(f"{SVG}title") is not None
    assert b'stroke="#1b2333"' in svg
    assert b"<script" not in svg
    size = qr_code(URL).symbol_size(scale=8, border=4)[0]
    assert root.get("width") == root.get("height") == str(size)
