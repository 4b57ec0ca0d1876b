"""Byte-exact renderers shared by the vendor views: JSON with a fixed key order, CSV, XML.

Key order is the insertion order of the dicts the views build; nothing here sorts.
"""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import datetime, timezone
from functools import lru_cache
from typing import Any, Iterable, Mapping, Sequence
from urllib.parse import quote_plus
from zoneinfo import ZoneInfo


def escape(text: str) -> str:
    """XML character data: ``&``, ``>``, ``<`` escaped, exactly as ``xml.sax.saxutils.escape``
    does (not imported: it pulls in ``urllib.request``, ~5 ms of ``telemock serve`` start-up)."""
    return text.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;")


_ENCODERS = {(compact, ascii_only): json.JSONEncoder(ensure_ascii=ascii_only,
                                                     separators=(",", ":") if compact else (", ", ": "))
             for compact in (False, True) for ascii_only in (False, True)}
"""``json.dumps`` with these options, its encoders made once (``dumps`` with any option builds
a new encoder per call: a tenth of a small answer's cost)."""


def json_bytes(obj: Any, *, compact: bool = True, ascii_only: bool = False,
               escape_slashes: bool = False) -> bytes:
    """Serialise keeping key order. ``escape_slashes`` + ``ascii_only`` gives PHP json_encode."""
    text = _ENCODERS[bool(compact), bool(ascii_only)].encode(obj)
    if escape_slashes:
        text = text.replace("/", "\\/")
    return text.encode("utf-8")


def csv_bytes(header: Sequence[str], rows: Iterable[Mapping[str, Any]]) -> bytes:
    """A header row then one row per record, CRLF line ends (RFC 4180, as PHP fputcsv users get)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if row.get(k) is None else row.get(k) for k in header])
    return out.getvalue().encode("utf-8")


def xml_element(tag: str, value: Any, indent: int = 0) -> str:
    """Render a (nested) mapping as XML elements, keeping key order."""
    pad = "  " * indent
    if isinstance(value, Mapping):
        inner = "".join(xml_element(str(k), v, indent + 1) for k, v in value.items())
        return f"{pad}<{tag}>\n{inner}{pad}</{tag}>\n"
    if value is None:
        return f"{pad}<{tag}/>\n"
    if isinstance(value, bool):
        value = "true" if value else "false"
    return f"{pad}<{tag}>{escape(str(value))}</{tag}>\n"


_XML_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]*")
_XML_BAD_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(text: str) -> str:
    """Character data: escaped (a carriage return as ``&#13;``, which a parser would turn into a
    line feed), characters XML 1.0 cannot carry replaced by U+FFFD."""
    return escape(_XML_BAD_CHARS.sub("\ufffd", text)).replace("\r", "&#13;")


def _xml_attribute(text: str) -> str:
    """An attribute value: a parser turns raw tabs and line ends into spaces."""
    return xml_text(text).replace('"', "&quot;").replace("\t", "&#9;").replace("\n", "&#10;")


def xml_value(tag: str, value: Any, out: list[str], key: str | None = None) -> None:
    """A JSON-like value as one XML element, appended to ``out`` (no whitespace between
    elements, so text round-trips exactly). Objects: a child per key, in order; a key that is
    no XML name (``"3"``, a call id) becomes ``<item key="3">``. Arrays: ``type="array"`` and
    an ``<item>`` per entry. ``null``: ``nil="true"``; booleans ``true``/``false``."""
    attrs = f' key="{_xml_attribute(key)}"' if key is not None else ""
    if isinstance(value, Mapping):
        out.append(f"<{tag}{attrs}>")
        for k, v in value.items():
            name = str(k)
            if _XML_NAME.fullmatch(name) and not name.lower().startswith("xml"):
                xml_value(name, v, out)
            else:
                xml_value("item", v, out, name)
        out.append(f"</{tag}>")
    elif isinstance(value, (list, tuple)):
        out.append(f'<{tag}{attrs} type="array">')
        for v in value:
            xml_value("item", v, out)
        out.append(f"</{tag}>")
    elif value is None:
        out.append(f'<{tag}{attrs} nil="true"/>')
    else:
        text = ("true" if value else "false") if isinstance(value, bool) else str(value)
        out.append(f"<{tag}{attrs}>{xml_text(text)}</{tag}>")


def xml_document(root: str, children: Iterable[tuple[str, Any]]) -> bytes:
    body = "".join(xml_element(tag, value, 1) for tag, value in children)
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<{root}>\n{body}</{root}>\n'.encode("utf-8")


def local_datetime(epoch: float, tz: str) -> datetime:
    return datetime.fromtimestamp(epoch, tz=ZoneInfo(tz))


def sql_datetime(epoch: float, tz: str) -> str:
    """``YYYY-MM-DD HH:MM:SS`` wall-clock time in ``tz`` (PBX local time)."""
    d = local_datetime(epoch, tz)
    # What strftime("%Y-%m-%d %H:%M:%S") gives (the year unpadded, as glibc's %Y) at half the
    # cost: strftime goes through time.strftime and the locale, per webhook rendered.
    return "%d-%02d-%02d %02d:%02d:%02d" % (d.year, d.month, d.day, d.hour, d.minute, d.second)


def iso8601(epoch: float, tz: str) -> str:
    """ISO 8601 with the zone's UTC offset, whole seconds: ``2026-01-05T14:00:00+11:00``."""
    return local_datetime(epoch, tz).replace(microsecond=0).isoformat()


@lru_cache(maxsize=4096)
def parse_sql_datetime(text: str, tz: str) -> float:
    """Inverse of ``sql_datetime``; raises ValueError on anything but ``YYYY-MM-DD HH:MM:SS``.
    Remembered (a pure function): seeds parse the same documented times at every tenant reset,
    a sixth of one vendor's reset."""
    if len(text) != 19:
        raise ValueError(text)
    dt = datetime.strptime(text, "%Y-%m-%d %H:%M:%S").replace(tzinfo=ZoneInfo(tz))
    return dt.timestamp()


def parse_date(text: str, tz: str) -> float:
    """Start of a ``Y-m-d`` day in ``tz``; raises ValueError on anything else."""
    if len(text) != 10:
        raise ValueError(text)
    dt = datetime.strptime(text, "%Y-%m-%d").replace(tzinfo=ZoneInfo(tz))
    return dt.timestamp()


def parse_instant(text: str) -> float:
    """ISO 8601 instant (``Z`` or offset; naive means UTC) to epoch seconds."""
    dt = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return dt.timestamp()


def utc_iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, tz=timezone.utc).isoformat().replace("+00:00", "Z")


# -- form bodies ---------------------------------------------------------------------------------
_ALWAYS_SAFE = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-~"
_FORM_ASCII = str.maketrans({c: chr(c) if chr(c) in _ALWAYS_SAFE else "+" if c == 0x20 else f"%{c:02X}"
                             for c in range(128)})
"""What ``quote_plus`` makes of each ASCII character (unreserved kept, space ``+``, else ``%XX``)."""
_USUAL = (_ALWAYS_SAFE + " :+/").encode("ascii")
"""What a webhook's form body is usually made of: unreserved characters, and the four it escapes
(space, a timestamp's ``:``, the ``+`` of numbers, the ``/`` of channels)."""
_pair = "%s=%s".__mod__


def form_encode(fields: dict[str, Any]) -> str:
    """``urlencode([(k, str(v)) ...])``, byte for byte, at a fraction of the cost (vendors' form-
    encoded webhooks: a fifth of a busy day went to ``urlencode``).

    The usual body is joined as it stands and escaped in one go (four ``str.replace``): that is
    right exactly when, with the usual characters deleted, only the ``=`` and ``&`` of the
    joining are left (so no name or value holds one). Anything else takes the general path,
    character by character (``quote_plus`` itself beyond ASCII).
    """
    text = "&".join(map(_pair, fields.items()))
    if text.isascii() and text.encode("ascii").translate(None, _USUAL) == _joints(len(fields)):
        return text.replace("+", "%2B").replace(":", "%3A").replace("/", "%2F").replace(" ", "+")
    return "&".join([f"{_form_quote(str(key))}={_form_quote(str(value))}" for key, value in fields.items()])


def _joints(n: int) -> bytes:
    """The ``=`` and ``&`` that join ``n`` pairs, in order."""
    joints = _JOINTS.get(n)
    if joints is None:
        joints = _JOINTS[n] = b"=" + b"&=" * (n - 1) if n else b""
    return joints


_JOINTS: dict[int, bytes] = {}


def _form_quote(text: str) -> str:
    return text.translate(_FORM_ASCII) if text.isascii() else quote_plus(text)
