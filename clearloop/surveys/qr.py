"""QR codes for public survey links, as PNG and SVG bytes.

Pure functions over a URL: no database, no request. The error-correction level is fixed
at M (about 15% of the code may be damaged) rather than boosted per URL, so one link
always gives the same picture and a printed code never changes when re-downloaded.
"""

from __future__ import annotations

import io

import segno

DARK = "#1b2333"
LIGHT = "#ffffff"
QUIET_ZONE = 4  # modules of white around the code: the minimum the QR standard asks for
TITLE = "QR code"


def qr_code(url: str) -> segno.QRCode:
    """The code both images draw: a full (never micro) QR code at error level M."""
    return segno.make_qr(url, error="m", boost_error=False)


def qr_png(url: str, *, scale: int = 8) -> bytes:
    """A PNG of `url`'s QR code, `scale` pixels per module, with the quiet zone."""
    buffer = io.BytesIO()
    qr_code(url).save(buffer, kind="png", scale=scale, border=QUIET_ZONE, dark=DARK, light=LIGHT)
    return buffer.getvalue()


def qr_svg(url: str, *, scale: int = 8) -> bytes:
    """An SVG of `url`'s QR code, `scale` user units per module; no XML declaration, so
    it can be inlined, and a title for screen readers."""
    buffer = io.BytesIO()
    qr_code(url).save(
        buffer,
        kind="svg",
        scale=scale,
        border=QUIET_ZONE,
        dark=DARK,
        light=LIGHT,
        xmldecl=False,
        title=TITLE,
    )
    return buffer.getvalue()
