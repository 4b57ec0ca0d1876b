"""The CPaaS parameters: every body field of every operation, its rule and its message.

Every value is a JSON string in the document ("repeat":"1", "campaign_type":"0"); a JSON number
is read as its text too. An absent or empty required field is "<field> is mandatory field" (the
real server's words); a field that breaks its rule is "invalid <field>..." (docs/FIDELITY.md).
Rules that need the tenant (a date in the future, an id of the account) are checked by the
operations themselves.
"""

from __future__ import annotations

import re
from typing import Any, Iterable, Mapping
from zoneinfo import ZoneInfo

from ..dialect.params import BODY, INVALID, MISSING, SQL_DATETIME, TEXT, YMD, Conv, Param, ParamError, choice, text
from . import errors as e
from .tts import ENGINES, LANGUAGES, PITCHES, RATES, VOICES, VOLUMES

NUMBER_RULE = r"\+?[0-9]{10,13}"
"""A phone number: the 10-digit national number, optionally after a country code of one to
three digits, optionally after a ``+`` (``9199792755xx``, ``15168148111``). The document says
"10 digits" and writes every example with its country code (docs/FIDELITY.md)."""
EXTENSION_RULE = r"[0-9]{2,6}"
"""A SIP agent's extension (``102``)."""
HEX10 = "[0-9a-f]{10}"
REQUEST_ID = text(pattern=HEX10, name="request_id")
LIST_ID = text(pattern="LS" + HEX10, name="list_id")
DND_LIST_ID = text(pattern="DN" + HEX10, name="dnd_list_id")
CAMPAIGN_ID = text(pattern="CM" + HEX10, name="campaign_id")
TEMPLATE_ID = text(pattern="AN" + HEX10, name="announce_template_id")
PHONE = text(pattern=NUMBER_RULE, name="phone")
NAME = text(max_len=100, pattern=r"[^\x00-\x1f\x7f]+", name="name")
"""A list or campaign name: 1 to 100 characters, no control characters."""
FILE_NAME = r"[A-Za-z0-9][A-Za-z0-9._ -]{0,200}"
"""A file name in the bucket: no folders, no hidden files."""
CSV_FILE = text(pattern=FILE_NAME + r"\.[Cc][Ss][Vv]", name="csv_file")
WAV_FILE = text(pattern=FILE_NAME + r"\.[Ww][Aa][Vv]", name="wav_file")
OTP = text(pattern="[0-9]{1,10}", name="otp")
ANNOUNCEMENT_MAX = 3000
"""Longest announcement text (Amazon Polly's limit of billed characters per request)."""
CHANNEL = text(max_len=128, pattern=r"[A-Za-z0-9]+/[A-Za-z0-9_.@-]+-[0-9a-fA-F]{8}", name="channel")
"""An Asterisk channel name: ``PJSIP/101-0000023c``, ``PJSIP/tatatrunk-ACvjfnvjnfs-0000023d``."""
RECORD_COUNT_MAX = 10_000


def int_text(low: int, high: int) -> Conv:
    """A whole number as text of ASCII digits (or a JSON integer), from ``low`` to ``high``."""
    def parse(raw: Any) -> int:
        if isinstance(raw, bool):
            raise ParamError(INVALID, "not a number")
        if isinstance(raw, int):
            value = raw
        elif isinstance(raw, str) and raw.isascii() and raw.isdigit() and len(raw) <= 12:
            value = int(raw)
        else:
            raise ParamError(INVALID, "not a whole number")
        if not low <= value <= high:
            raise ParamError(INVALID, f"not between {low} and {high}")
        return value
    return Conv("int_text", parse, {"type": "string", "pattern": "^[0-9]+$"})


def _zone(raw: Any) -> str:
    if not isinstance(raw, str) or not re.fullmatch(r"[A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+){0,2}", raw):
        raise ParamError(INVALID, "not a time zone name")
    try:
        ZoneInfo(raw)
    except Exception:  # unknown key, or a name zoneinfo refuses to read
        raise ParamError(INVALID, "unknown time zone") from None
    return raw


TIME_ZONE = Conv("time_zone", _zone, {"type": "string", "examples": ["Asia/Kolkata", "US/Eastern"]})


def contact_fields(raw: Any) -> dict[str, str]:
    if raw is None or raw == "":
        return {}
    if not isinstance(raw, Mapping) or len(raw) > 50:
        raise ParamError(INVALID, "not an object of at most 50 fields")
    out: dict[str, str] = {}
    for key, value in raw.items():
        if not re.fullmatch(r"[A-Za-z0-9_]{1,32}", str(key)) or isinstance(value, (dict, list)):
            raise ParamError(INVALID, f"field {key!r}")
        out[str(key)] = "" if value is None else str(value) if not isinstance(value, bool) else str(value).lower()
        if len(out[str(key)]) > 500:
            raise ParamError(INVALID, f"field {key!r} is longer than 500 characters")
    return out


CONTACT_FIELDS = Conv("contact_fields", contact_fields, {"type": "object", "additionalProperties": {"type": "string"}})


def field(name: str, conv: Conv = TEXT, *, required: bool = True, default: Any = None,
          invalid: str | None = None, doc: str = "", example: Any = None) -> Param:
    """A body field, with the server's two messages: mandatory, and invalid."""
    return Param(name, conv, where=BODY, required=required, default=default,
                 errors={MISSING: e.mandatory(name), INVALID: e.bad_request(invalid or e.INVALID.format(name=name))},
                 doc=doc, example=example)


def number_field(name: str, label: str, *, required: bool = True, doc: str = "", example: str = "") -> Param:
    return field(name, PHONE, required=required, invalid=e.INVALID_NUMBER.format(label=label), doc=doc,
                 example=example)


def choice_field(name: str, values: Iterable[str], *, required: bool = True, default: str | None = None,
                 listed: Iterable[str] | None = None, doc: str = "", example: str | None = None) -> Param:
    """One of ``values`` (the message lists ``listed``, the documented ones, when given)."""
    values = tuple(values)
    shown = ", ".join(listed if listed is not None else values)
    return field(name, choice(values), required=required, default=default,
                 invalid=e.INVALID_CHOICE.format(name=name, values=shown), doc=doc,
                 example=example if example is not None else values[0])


def int_field(name: str, low: int, high: int, *, required: bool = True, default: int | None = None,
              doc: str = "", example: str = "") -> Param:
    return field(name, int_text(low, high), required=required, default=default,
                 invalid=e.INVALID_INTEGER.format(name=name, low=low, high=high), doc=doc,
                 example=example or str(low))


def date_field(name: str, *, doc: str = "", example: str = "") -> Param:
    return field(name, YMD, invalid=e.INVALID_DATE.format(name=name), doc=doc, example=example)


def datetime_field(name: str, *, required: bool = True, doc: str = "", example: str = "") -> Param:
    return field(name, SQL_DATETIME, required=required, invalid=e.INVALID_DATETIME.format(name=name),
                 doc=doc, example=example)


# -- shared by several operations --------------------------------------------------------------
CALLER_ID = number_field("caller_id", "caller id", doc="Caller id shown to the called numbers",
                         example="15168148111")
VOICE = field("voice", choice(VOICES), required=False, default="Joanna", example="Raveena",
              doc="Amazon Polly voice id (default Joanna)")
VOLUME = choice_field("volume", VOLUMES, required=False, default="medium", example="soft",
                      doc="SSML prosody volume (default medium)")
RATE = choice_field("rate", RATES, required=False, default="medium", example="slow",
                    doc="SSML prosody rate (default medium)")
PITCH = choice_field("pitch", PITCHES, required=False, default="medium", example="medium",
                     doc="SSML prosody pitch (default medium)")
LANGUAGE = field("language_code", choice(LANGUAGES), required=False, default="en-US", example="en-US",
                 doc="Amazon Polly language code (default en-US)")
ENGINE = choice_field("tts_engine_type", ENGINES, required=False, default="standard", example="standard",
                      doc="standard (default) or neural")
TTS = (VOICE, VOLUME, RATE, PITCH, LANGUAGE, ENGINE)
