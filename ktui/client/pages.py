"""Reading LIST pages fast, for informers that load tens of thousands of objects.

What was measured to matter (10,000 pods, 24 MB of JSON, see docs/performance.md):

- `peek_list_metadata`: a page's `continue` token read from the head of its bytes, so the
  next page can be asked for before this one is decoded (the server works meanwhile).
- `cut_managed_fields`: `metadata.managedFields` is ~40% of a pod's bytes and most of its
  tiny dicts; replacing each array by a mark in the bytes before decoding halves the decode.
  The caller checks that every mark landed in an item's metadata.
- `split_list`: each item's own bytes, decoded one at a time while they are in the CPU's
  cache and kept as they came (no re-encoding): 2x faster than decoding the page whole
  and encoding each object again.
- `freeze_heap`: after each page, what the list built leaves the collector's reach.
- `paused_gc`: building a page's objects triggers the cyclic collector over and over
  (decoding took 0.4-0.6 s instead of 0.12 s for 12 MB); JSON trees have no cycles, so
  reference counting frees them anyway.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import orjson

_META = b'"metadata":{'
_MANAGED = b'"managedFields":['
# What a cut array becomes: a string where the API has a list, so no server sends it.
CUT_MARK = "ktui:cut"
_MARK = b'"ktui:cut"'
_MARKED = b'"managedFields":' + _MARK


def peek_list_metadata(body: bytes) -> dict[str, Any] | None:
    """The list's own `metadata` (resourceVersion, continue, remainingItemCount) when it
    comes first in the usual compact shape (`{"kind":…,"apiVersion":…,"metadata":{…},`
    as Kubernetes writes it); None otherwise, and the caller decodes the page.

    Exact, not a guess: before the key there is only the document's `{` (no other `{` or
    `[`, so the key is at the top level), and ListMeta holds only scalars, so the slice up
    to the first `}` is valid JSON only if it is that whole object."""
    i = body.find(_META, 0, 4096)
    if i <= 0 or body[i - 1] not in b"{, \t\r\n" or body.find(b"[", 0, i) >= 0:
        return None
    if body.count(b"{", 0, i) != 1:
        return None
    start = i + len(_META) - 1
    end = body.find(b"}", start)
    if end < 0:
        return None
    try:
        meta = orjson.loads(body[start : end + 1])
    except orjson.JSONDecodeError:
        return None
    return meta if isinstance(meta, dict) else None


def cut_managed_fields(body: bytes) -> tuple[bytes, int]:
    """`body` with the value of every `"managedFields":[…]` replaced by CUT_MARK, and how
    many were cut. Only arrays without nested arrays or backslash pairs are cut (every
    managedFields entry is flat), so the first `]` with an even count of unescaped quotes
    before it closes the array; any other is left whole. The key may still be somewhere
    other than an item's metadata (a CRD's own field): the caller counts the marks it finds
    in items' metadata and decodes the original bytes when the counts differ."""
    find, count = body.find, body.count
    parts: list[bytes] = []
    copied = scan = cuts = 0
    step = len(_MANAGED)
    while True:
        i = find(_MANAGED, scan)
        if i < 0:
            break
        start = i + step
        end = find(b"]", start)
        if end < 0:
            break
        if (
            find(b"[", start, end) >= 0
            or find(b"\\\\", start, end) >= 0
            or (count(b'"', start, end) - count(b'\\"', start, end)) & 1
        ):
            scan = start
            continue
        parts.append(body[copied : start - 1])
        parts.append(_MARK)
        copied = scan = end + 1
        cuts += 1
    if not cuts:
        return body, 0
    parts.append(body[copied:])
    return b"".join(parts), cuts


def unmark(span: bytes) -> bytes | None:
    """One item's bytes without its `"managedFields":<mark>` member (the first one: the
    caller has made sure it is the only one), or None when it is not written compactly."""
    i = span.find(_MARKED)
    if i <= 0:
        return None
    j = i + len(_MARKED)
    if span[i - 1] == 0x2C:  # ,"managedFields":…
        return span[: i - 1] + span[j:]
    if span[j] == 0x2C:  # {"managedFields":…,
        return span[:i] + span[j + 1 :]
    if span[i - 1] == 0x7B and span[j] == 0x7D:  # {"managedFields":…}
        return span[:i] + span[j:]
    return None


def split_list(body: bytes, field: str = "items") -> tuple[dict[str, Any], list[bytes]] | None:
    """The page without its `field` array (decoded: a few hundred bytes), and that array's
    elements as byte spans, or None when the page is not in the usual compact shape
    (`{…,"metadata":{…},…,"items":[…]}` with the array last).

    Spans are cut at each `},{` followed by the first element's first key, so they are
    candidates: an element with a nested object starting the same way is cut in two, and
    neither half is valid JSON. Hence `elements`: an element is a span that parses."""
    key = b',"' + field.encode() + b'":['
    meta = body.find(_META, 0, 4096)
    at = body.find(key, meta) if meta > 0 else -1
    if at < 0 or not body.endswith(b"]}"):
        return None
    try:
        # Valid JSON only if `at` is at the top level (not in a string, not nested).
        page = orjson.loads(body[:at] + b"}")
    except orjson.JSONDecodeError:
        return None
    if not isinstance(page, dict):
        return None
    start, stop = at + len(key), len(body) - 2
    if stop <= start:
        return (page, []) if stop == start else None
    first = body.find(b'":', start, stop)
    if first < 0:
        return None
    pattern = b"}," + body[start : first + 2]
    find = body.find
    spans = []
    pos = start
    while True:
        i = find(pattern, pos, stop)
        if i < 0:
            spans.append(body[pos:stop])
            return page, spans
        spans.append(body[pos : i + 1])
        pos = i + 2


class NotSplit(Exception):
    """The spans do not join into elements: decode the page whole instead."""


def elements(spans: list[bytes], max_joins: int = 8) -> Iterator[tuple[bytes, Any]]:
    """(bytes, decoded value) of each element. A span that does not parse is joined to
    the next until they do; exact, since a JSON value that starts where an element starts
    and parses with nothing left over is that element. An element in more than
    `max_joins` + 1 pieces (each join parses the pieces again) gives up: NotSplit."""
    loads = orjson.loads
    pending = b""
    joins = 0
    for span in spans:
        if pending:
            span = pending + b"," + span
        try:
            value = loads(span)
        except orjson.JSONDecodeError:
            joins += 1
            if joins > max_joins:
                raise NotSplit from None
            pending = span
            continue
        pending = b""
        joins = 0
        yield span, value
    if pending:
        raise NotSplit


@contextmanager
def paused_gc() -> Iterator[None]:
    """No cyclic collection while a page is decoded and indexed (no await inside)."""
    enabled = gc.isenabled()
    if enabled:
        gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def freeze_heap() -> None:
    """Move every object the collector tracks out of its reach (gc.freeze), after each
    page of a list of several pages.

    A big list's rows live as long as the cache. Left to the collector, a 50,000-row list
    in a Textual app cost 0.3 s of collections while its pages came in and a full
    collection of 0.25 s after (every row walked again). Frozen, they are never walked;
    reference counting still frees them (rows hold no cycles). The price: cyclic garbage
    among objects alive at a freeze (a closed screen's widgets, say) is never reclaimed —
    bounded by what was alive during big lists, small beside the rows themselves."""
    gc.freeze()
