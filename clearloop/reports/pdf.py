"""The Analytics dashboard as a PDF report, built with ReportLab (ADR 0021).

Title, organization, period and filters; each headline metric with n and its 95% interval
(greyed and marked when n is under the organization's minimum); the trend drawn with its
band as vector graphics; then the tables of the page. Everything in the reader's language.

Nothing is fetched: the document is made of Python objects, never HTML, so there is no
URL or file path anyone could slip in. Text in Chinese or Japanese is set in ReportLab's
built-in CID fonts (STSong-Light, HeiseiKakuGo-W5), which need no font file (the viewer
supplies the glyphs; Noto CJK, as Debian installs it, has CFF outlines ReportLab cannot
embed); a TrueType CJK font named by CLEARLOOP_PDF_CJK_FONT is embedded instead when set.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
from functools import cache
from typing import Any

from django.utils import formats, timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext as _
from reportlab.graphics.shapes import Circle, Drawing, Line, Polygon, PolyLine, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from clearloop.accounts.models import Organization
from clearloop.analytics import dashboards
from clearloop.analytics import selectors as analytics
from clearloop.reports import selectors
from clearloop.reports.selectors import Cell, ReportQuery

PRIMARY = colors.HexColor(dashboards.PALETTE["primary"])
BAND = colors.HexColor(dashboards.PALETTE["band"])
THIN = colors.HexColor(dashboards.PALETTE["thin"])
# Characters that Latin fonts lack: CJK ideographs, kana, full-width forms, CJK punctuation.
CJK = re.compile(r"[\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef\u3000-\u303f]+")
# Columns kept for machines (stable keys), folded into the row's grey, or (the p-value
# before the correction for many segments) easy to misread on paper: not printed.
UNPRINTED = {"metric", "segment", "step", "attribute", "enough", "p_value"}
CHART_WIDTH, CHART_HEIGHT = 170 * mm, 60 * mm


JAPANESE, CHINESE = "HeiseiKakuGo-W5", "STSong-Light"
# Which characters each CID font's collection holds, told by the legacy encoding it was
# built on: Adobe-Japan1 by JIS (Shift_JIS 2004), Adobe-GB1 by GBK. A character missing
# from the collection would print as an empty box, so each one goes to a font that has it.
COVERAGE = {JAPANESE: "shift_jis_2004", CHINESE: "gbk"}
KANA = re.compile(r"[\u3040-\u30ff]")


@cache
def _registered(name: str) -> str:
    path = os.environ.get("CLEARLOOP_PDF_CJK_FONT", "")
    if path:
        pdfmetrics.registerFont(TTFont("ClearloopCJK", path))
        return "ClearloopCJK"
    pdfmetrics.registerFont(UnicodeCIDFont(name))
    return name


def _covers(font: str, char: str) -> bool:
    try:
        char.encode(COVERAGE[font])
    except UnicodeEncodeError:
        return False
    return True


def cjk_runs(text: str, language: str) -> list[tuple[str, str]]:
    """`text` (a run of CJK characters) cut into (font, characters) pieces: the reader's
    language first (kana mean Japanese whatever the language), the other font for
    characters the first lacks (simplified Chinese names in a Japanese report)."""
    first = JAPANESE if language.startswith("ja") or KANA.search(text) else CHINESE
    order = (first, CHINESE if first == JAPANESE else JAPANESE)
    runs: list[tuple[str, str]] = []
    for char in text:
        font = next((f for f in order if _covers(f, char)), first)
        if runs and runs[-1][0] == font:
            runs[-1] = (font, runs[-1][1] + char)
        else:
            runs.append((font, char))
    return [(_registered(font), chars) for font, chars in runs]


def markup(text: Any, language: str) -> str:
    """Escaped paragraph markup with every CJK run set in a CJK font that has it."""
    escaped = str(escape(str(text)))

    def fonts(match: re.Match[str]) -> str:
        return "".join(
            f'<font name="{font}">{chars}</font>'
            for font, chars in cjk_runs(match.group(0), language)
        )

    return CJK.sub(fonts, escaped)


def _styles() -> dict[str, ParagraphStyle]:
    sheet = getSampleStyleSheet()
    return {
        "title": sheet["Title"],
        "h2": sheet["Heading2"],
        "body": sheet["BodyText"],
        "small": ParagraphStyle("small", parent=sheet["BodyText"], fontSize=8, leading=10),
        "thin": ParagraphStyle(
            "thin", parent=sheet["BodyText"], fontSize=8, leading=10, textColor=THIN
        ),
    }


def _cell_text(value: Cell) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if isinstance(value, float):
        return str(formats.number_format(value, 2))
    if isinstance(value, int):
        return str(formats.number_format(value, 0, force_grouping=True))
    return str(value)


def _table(table: selectors.Table, language: str, styles: dict[str, ParagraphStyle]) -> list[Any]:
    keys = [key for key, _label in table.columns]
    shown = [index for index, key in enumerate(keys) if key not in UNPRINTED]
    enough = keys.index("enough") if "enough" in keys else None
    header = [Paragraph(markup(table.columns[i][1], language), styles["small"]) for i in shown]
    body, thin_rows = [], []
    for number, row in enumerate(table.rows, start=1):
        thin = enough is not None and row[enough] is False
        style = styles["thin"] if thin else styles["small"]
        cells = [
            _cell_text(row[i]) + (" *" if thin and position == 0 else "")
            for position, i in enumerate(shown)
        ]
        body.append([Paragraph(markup(cell, language), style) for cell in cells])
        if thin:
            thin_rows.append(number)
    if not body:
        body = [[Paragraph(markup(_("No answers in this period."), language), styles["small"])]]
        body[0].extend("" for _cell in shown[1:])
    grid = Table([header, *body], repeatRows=1, hAlign="LEFT")
    commands: list[Any] = [
        ("LINEBELOW", (0, 0), (-1, 0), 0.6, colors.black),
        ("LINEBELOW", (0, 1), (-1, -1), 0.2, colors.lightgrey),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]
    commands.extend(("BACKGROUND", (0, row), (-1, row), colors.whitesmoke) for row in thin_rows)
    grid.setStyle(TableStyle(commands))
    return [Paragraph(markup(table.title, language), styles["h2"]), grid]


def trend_drawing(points: list[dict[str, Any]], language: str) -> Drawing:
    """The trend line with its 95% band; points under the minimum n drawn grey."""
    drawing = Drawing(CHART_WIDTH, CHART_HEIGHT)
    known = [p for p in points if p["y"] is not None]
    if not known:
        return drawing
    left, bottom, width, height = 30.0, 18.0, CHART_WIDTH - 40, CHART_HEIGHT - 28
    values = [v for p in known for v in (p["y"], p["low"], p["high"]) if v is not None]
    low, high = min(values), max(values)
    span = (high - low) or 1.0
    step = width / max(len(points) - 1, 1)

    def x(index: int) -> float:
        return left + index * step

    def y(value: float) -> float:
        return bottom + (value - low) / span * height

    indexed = [(i, p) for i, p in enumerate(points) if p["y"] is not None]
    banded = [(i, p) for i, p in indexed if p["low"] is not None and p["high"] is not None]
    if len(banded) > 1:
        upper = [c for i, p in banded for c in (x(i), y(p["high"]))]
        lower = [c for i, p in reversed(banded) for c in (x(i), y(p["low"]))]
        drawing.add(Polygon(upper + lower, fillColor=BAND, fillOpacity=0.3, strokeColor=None))
    drawing.add(Line(left, bottom, left + width, bottom, strokeColor=colors.grey))
    drawing.add(Line(left, bottom, left, bottom + height, strokeColor=colors.grey))
    for value in (low, high):
        text = formats.number_format(value, 0)
        drawing.add(String(left - 4, y(value) - 3, text, fontSize=7, textAnchor="end"))
    line = [c for i, p in indexed for c in (x(i), y(p["y"]))]
    if len(indexed) > 1:
        drawing.add(PolyLine(line, strokeColor=PRIMARY, strokeWidth=1.5))
    for i, p in indexed:
        tone = PRIMARY if p["enough"] else THIN
        drawing.add(Circle(x(i), y(p["y"]), 2.2, fillColor=tone, strokeColor=tone))
    for i in sorted({0, len(points) - 1}):
        drawing.add(String(x(i), 4, points[i]["x"], fontSize=7, textAnchor="middle"))
    return drawing


def _headline(
    organization: Organization, query: ReportQuery, least: int, language: str
) -> list[dashboards.Tile]:
    keys = (query.metric, *(m for m in dashboards.HEADLINE_METRICS if m != query.metric))
    tiles = [
        dashboards.tile(
            organization=organization, metric=key, filters=query.filters, minimum_n=least
        )
        for key in keys
        if analytics.METRICS[key].kind or query.filters.question_key
    ]
    tiles.append(
        dashboards.fcr_tile(organization=organization, filters=query.filters, minimum_n=least)
    )
    return tiles


def _tile_lines(
    tiles: list[dashboards.Tile], least: int, language: str, styles: dict[str, ParagraphStyle]
) -> list[Any]:
    rows = []
    for tile in tiles:
        style = styles["body"] if tile.enough else styles["thin"]
        flag = (
            ""
            if tile.enough
            else " * " + _("fewer than %(minimum)s answers: read with care") % {"minimum": least}
        )
        change = f" · {tile.change} ({tile.change_note})" if tile.change else ""
        interval = f" ({tile.interval})" if tile.interval else ""
        n = formats.number_format(tile.n, 0, force_grouping=True)
        rest = f": {tile.value}{interval}, n = {n}{change}{flag}"
        label = markup(tile.label, language)
        rows.append(Paragraph(f"<b>{label}</b>{markup(rest, language)}", style))
    return rows


def dashboard_pdf(*, organization: Organization, query: ReportQuery, language: str) -> bytes:
    """The report as PDF bytes, in `language`."""
    with translation.override(language):
        return _build(organization, query, language)


def _build(organization: Organization, query: ReportQuery, language: str) -> bytes:
    styles = _styles()
    least = analytics.analytics_settings(organization=organization).minimum_n
    filters = query.filters
    period = _("%(start)s to %(end)s") % {
        "start": formats.date_format(filters.date_from or dt.date.min, "DATE_FORMAT"),
        "end": formats.date_format(
            filters.date_to or dashboards.today_in(organization), "DATE_FORMAT"
        ),
    }
    described = selectors.filters_described(organization=organization, query=query)
    story: list[Any] = [
        Paragraph(markup(_("Clearloop dashboard report"), language), styles["title"]),
        Paragraph(markup(organization.name, language), styles["h2"]),
        Paragraph(markup(_("Period: %(period)s") % {"period": period}, language), styles["body"]),
        Paragraph(
            markup(
                _("Filters: %(filters)s")
                % {
                    "filters": "; ".join(f"{what}: {which}" for what, which in described)
                    or _("none")
                },
                language,
            ),
            styles["body"],
        ),
        Paragraph(
            markup(
                _(
                    "Generated %(when)s. Figures on fewer than %(minimum)s answers are grey "
                    "and marked *."
                )
                % {
                    "when": formats.date_format(timezone.localtime(), "DATETIME_FORMAT"),
                    "minimum": least,
                },
                language,
            ),
            styles["small"],
        ),
        Spacer(1, 4 * mm),
        Paragraph(markup(_("Headline figures"), language), styles["h2"]),
        *_tile_lines(_headline(organization, query, least, language), least, language, styles),
    ]
    chart = dashboards.trend_chart(
        organization=organization,
        metric=query.metric,
        filters=filters,
        period=query.period,
        minimum_n=least,
    )
    story += [
        Paragraph(
            markup(_("%(metric)s trend") % {"metric": chart["label"]}, language), styles["h2"]
        ),
        Paragraph(
            markup(
                _(
                    "The band is the interval (95%) of each point; grey points have fewer "
                    "answers than the minimum."
                ),
                language,
            ),
            styles["small"],
        ),
        trend_drawing(chart["points"], language),
    ]
    for key in ("breakdown", "trend", "distribution", "funnel", "drivers"):
        table = selectors.report_table(
            organization=organization, query=query, table=key, language=language
        )
        story += [Spacer(1, 3 * mm), *_table(table, language, styles)]
    output = io.BytesIO()
    document = SimpleDocTemplate(
        output,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=16 * mm,
        bottomMargin=16 * mm,
        title=str(_("Clearloop dashboard report")),
        author=organization.name,
        invariant=True,
    )
    document.build(story)
    return output.getvalue()
