"""RSS and Atom documents into plain entries: pure functions, no database, no network.

Feed bytes come from servers we do not control, so they pass a strict gate first:
defusedxml parses them with entity declarations and external references forbidden (no
billion laughs, no XXE) and the document must be well-formed RSS, RDF or Atom. Only then
does feedparser, which knows the many dialects, dates and content fields, read them.
feedparser gets a stream, never a string: a string would be taken as a URL or file name.
"""

from __future__ import annotations

import calendar
import hashlib
import io
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from xml.etree.ElementTree import ParseError

import defusedxml
import feedparser
from defusedxml.ElementTree import fromstring
from django.utils.translation import gettext as _

from clearloop.core.errors import ValidationFailed
from clearloop.intake.text import html_to_text

MAX_ENTRIES = 500
MAX_TEXT = 20_000
MAX_EXTERNAL_ID = 200
FEED_ROOTS = {"rss", "feed", "RDF"}


class FeedUnreadable(ValidationFailed):
    code = "feed_unreadable"


@dataclass(frozen=True)
class FeedEntry:
    external_id: str
    text: str
    occurred_at: datetime | None
    url: str
    author: str
    title: str


@dataclass(frozen=True)
class ParsedFeed:
    title: str
    entries: list[FeedEntry]


def _check_xml(content: bytes) -> None:
    try:
        root = fromstring(content, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except defusedxml.DefusedXmlException as error:
        raise FeedUnreadable(
            _(
                "The feed declares XML entities or external references, which we refuse "
                "because they are used to attack feed readers."
            )
        ) from error
    except (LookupError, ValueError) as error:  # an encoding Python does not know
        raise FeedUnreadable(_("The feed is in a character encoding we cannot read.")) from error
    except ParseError as error:
        line, column = error.position
        raise FeedUnreadable(
            _("The feed is not well-formed XML (line %(line)d, column %(column)d).")
            % {"line": line, "column": column}
        ) from error
    if root.tag.rsplit("}", 1)[-1] not in FEED_ROOTS:
        raise FeedUnreadable(_("This document is XML but not an RSS or Atom feed."))


def _when(entry: Any) -> datetime | None:
    parsed: time.struct_time | None = entry.get("published_parsed") or entry.get("updated_parsed")
    if not parsed:
        return None
    return datetime.fromtimestamp(calendar.timegm(parsed), tz=UTC)


def _body_html(entry: Any) -> str:
    contents = entry.get("content") or []
    longest = max((part.get("value", "") for part in contents), key=len, default="")
    summary = str(entry.get("summary", ""))
    return longest if len(longest) > len(summary) else summary


def _external_id(entry: Any, title: str, body: str) -> str:
    candidate = str(entry.get("id") or entry.get("link") or "").strip()
    if not candidate:
        candidate = "sha256:" + hashlib.sha256(f"{title}\n{body}".encode()).hexdigest()
    if len(candidate) > MAX_EXTERNAL_ID:
        candidate = "sha256:" + hashlib.sha256(candidate.encode()).hexdigest()
    return candidate


def _entry(entry: Any) -> FeedEntry | None:
    title = html_to_text(str(entry.get("title", "")))
    body = html_to_text(_body_html(entry))
    if body and title and body.startswith(title):  # some feeds repeat the title in the body
        title = ""
    text = "\n\n".join(part for part in (title, body) if part)[:MAX_TEXT]
    if not text:
        return None
    return FeedEntry(
        external_id=_external_id(entry, title, body),
        text=text,
        occurred_at=_when(entry),
        url=str(entry.get("link", ""))[:2000],
        author=str(entry.get("author", ""))[:200],
        title=title[:300],
    )


def feed_parse(content: bytes) -> ParsedFeed:
    """The entries of an RSS or Atom document, newest as the feed orders them.

    Raises `FeedUnreadable` (with a message for the person who added the feed) for
    malformed XML, entity tricks and documents that are not feeds."""
    if not content.strip():
        raise FeedUnreadable(_("The feed is empty."))
    _check_xml(content)
    parsed = feedparser.parse(io.BytesIO(content), sanitize_html=True, resolve_relative_uris=False)
    entries = [entry for raw in parsed.entries[:MAX_ENTRIES] if (entry := _entry(raw))]
    title = html_to_text(str(parsed.feed.get("title", "")))[:200]
    return ParsedFeed(title=title, entries=entries)
