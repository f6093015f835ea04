"""Plain text out of what arrives: HTML from feeds and emails, quoted email replies.

Feedback text is stored as plain text and always escaped when shown, so nothing here has
to make HTML safe; it only has to keep the words and drop the markup, scripts and styles.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

BLOCK_TAGS = {
    "p", "div", "br", "li", "ul", "ol", "tr", "table", "h1", "h2", "h3", "h4", "h5", "h6",
    "blockquote", "pre", "section", "article", "header", "footer", "hr",
}  # fmt: skip
SKIPPED_TAGS = {"script", "style", "head", "title", "template", "noscript"}
FULLWIDTH_COLON = "\uff1a"
QUOTE_INTRO = re.compile(
    "^(On .{3,200} wrote:"  # English mail clients
    "|-{2,} ?Original Message ?-{2,}"  # Outlook
    f"|在.{{1,200}}写道[:{FULLWIDTH_COLON}]"  # Chinese clients
    f"|.{{1,200}}(のメッセージ|さんは書きました)[:{FULLWIDTH_COLON}]?"  # Japanese clients
    ")\\s*$"
)


class _TextCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in SKIPPED_TAGS:
            self.skipping += 1
        elif tag in BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in SKIPPED_TAGS:
            self.skipping = max(0, self.skipping - 1)
        elif tag in BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)


def tidy(text: str) -> str:
    """Single spaces inside lines, at most one empty line between paragraphs."""
    lines = [" ".join(line.split()) for line in text.replace("\r\n", "\n").split("\n")]
    joined = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", joined).strip()


def html_to_text(html: str) -> str:
    collector = _TextCollector()
    collector.feed(html)
    collector.close()
    return tidy("".join(collector.parts))


def strip_quoted_reply(text: str) -> str:
    """The new part of an email reply: stops at "On … wrote:" (and its Chinese and Japanese
    forms), at a forwarded original, or at the signature line, and drops "> " lines."""
    kept: list[str] = []
    for line in text.split("\n"):
        if QUOTE_INTRO.match(line.strip()) or line.rstrip() == "--":
            break
        if not line.lstrip().startswith(">"):
            kept.append(line)
    trimmed = tidy("\n".join(kept))
    return trimmed or tidy(text)  # a message that is all quote keeps its quote
