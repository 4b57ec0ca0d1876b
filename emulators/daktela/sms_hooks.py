"""SMS events -> the callbacks and e-mails SetSMSSettings configures (daktela.txt, SMS,
SetSMSSettings).

``outgoing_callback`` is requested when an outgoing message is sent or fails and when its
delivery report comes ("all outgoing SMS messages, including DLR"); ``incoming_callback`` when
a message arrives. Both are GET requests to the configured URL: its ``$name`` placeholders
(``$number``, ``$message``, ``$id``, ``$direction``, or any other field of the message's row)
are replaced by the URL-encoded values, and the fields not used so are appended to the query
("rest of them will be added to the end of url"). The fields are the message's row as GetSMS
(or GetSMSConnect) shows it. Credentials in the URL (``http://login:password@host/``) are sent
as Basic authentication. E-mails (``incoming_email``, ``outgoing_email``, a message's own
``email``) are not sent: each is journalled as a delivery without a target (``sms_email``), as
far as ``email_notification_allow`` (in, out, confirmed) lets it.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote, quote_plus

from ..core import sms as core_sms
from ..core.events import Event
from ..core.world import Tenant
from . import sms

PLACEHOLDER = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
INCOMING, OUTGOING, EMAIL = "incoming_callback", "outgoing_callback", "sms_email"


def callback_url(template: str, fields: dict[str, Any]) -> str:
    used: set[str] = set()

    def one(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in fields:
            return match.group(0)
        used.add(name)
        return _quoted(_text(fields[name]))
    url = PLACEHOLDER.sub(one, template) if "$" in template else template
    rest = [(key, value) for key, value in fields.items() if key not in used]
    if not rest:
        return url
    query = "&".join(f"{_quoted(key, True)}={_quoted(_text(value), True)}" for key, value in rest)
    return url + ("&" if "?" in url else "?") + query


_PLAIN = re.compile(r"[A-Za-z0-9_.~-]*")
"""What ``quote``/``quote_plus`` leave as it is (most of a row's values): skipping them for it
halves a callback's cost, the text being the same."""


def _quoted(text: str, plus: bool = False) -> str:
    """``quote(text, safe="")``, or with ``plus`` ``quote_plus`` (what ``urlencode`` applies)."""
    if _PLAIN.fullmatch(text):
        return text
    return quote_plus(text, safe="") if plus else quote(text, safe="")


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def on_event(t: Tenant, event: Event) -> None:
    if event.type not in _OUTGOING and event.type != core_sms.SMS_RECEIVED:
        return
    msg = core_sms.messages(t).get(str(event.data.get("message", "")))
    if msg is None:
        return
    own = sms.settings(t)
    fields = sms.row(t, msg)
    allow = {part.strip() for part in own.email_notification_allow.split(",")}
    if event.type == core_sms.SMS_RECEIVED:
        _callback(t, event, INCOMING, own.incoming_callback, fields)
        if "in" in allow:
            _email(t, event, own.incoming_email, "SMS přijata", fields)
        return
    _callback(t, event, OUTGOING, own.outgoing_callback, fields)
    report = event.type == core_sms.SMS_DELIVERED or event.data.get("phase") == "report"
    kind = "confirmed" if report else "out"
    if kind in allow:
        _email(t, event, own.outgoing_email, _OUTGOING[event.type], fields)
    if report and msg.data.get("email"):
        _email(t, event, str(msg.data["email"]), _OUTGOING[event.type], fields)


_OUTGOING = {core_sms.SMS_SENT: "SMS odeslána", core_sms.SMS_FAILED: "SMS nebyla doručena",
             core_sms.SMS_DELIVERED: "SMS doručena"}
"""Outgoing events -> the subject of their notification e-mail."""


def _callback(t: Tenant, event: Event, name: str, template: str | None, fields: dict[str, Any]) -> None:
    if not template:
        return
    t.outbox.add(t, event=name, url=callback_url(template, fields), method="GET",
                 fields={k: _text(v) for k, v in fields.items()}, event_seq=event.seq)


def _email(t: Tenant, event: Event, address: str | None, subject: str, fields: dict[str, Any]) -> None:
    if not address:
        return
    t.outbox.add(t, event=EMAIL, url="", method="MAIL",
                 fields={"to": address, "subject": subject, "number": _text(fields.get("number")),
                         "message": _text(fields.get("message")), "id": _text(fields.get("id"))},
                 event_seq=event.seq)
