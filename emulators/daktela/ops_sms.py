"""SMS and SMSConnect actions (daktela.txt, sections SMS and SMSConnect): GetSMSSettings,
SetSMSSettings, SendSMS, SendGroupSMS, StatusSMS, StatusGroupSMS, RemoveGroupSMS, GetSMS,
SendSMSConnect, SendGroupSMSConnect, StatusSMSConnect, GetSMSConnect. Every send is checked
whole first (numbers, lengths, the SIM card, the sender), then submitted to the core's SMS
engine, which sends on the tenant clock."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import unquote, unquote_plus

from ..core import sms as core
from ..core.world import Tenant
from ..dialect.operation import Ctx
from ..dialect.params import MISSING, SQL_DATETIME, Conv, Param, ParamError, array_of, choice, mapping_of, php_int, text
from . import errors as e
from . import render, sms
from .common import FLAG, ID, NAME, Spec, epoch, fail, record_id, tenant
from .render import keyed
from .seed import vendor_settings

MESSAGE = text(max_len=10000)
"""The text of a message (the engine checks its length in segments)."""
NUMBER = text(max_len=64)
URL = text(max_len=2048, pattern=r"(|https?://\S*)")
EMAIL = text(max_len=255, pattern=r"(|[^@\s]+@[^@\s]+)")
HOUR = php_int(0, 23)
PRIORITY = Param("priority", php_int(0, 20), default=sms.DEFAULT_PRIORITY,
                 doc="Priority. Range is 0 (low) to 20 (high). Default is 10.")
SCHEDULED = Param("datetime_scheduled", SQL_DATETIME,
                  doc="Scheduled date and time for your message. Format YYYY-MM-DD HH:MM:SS",
                  example="2026-01-06 09:00:00")
CONFIRMATION = Param("confirmation", FLAG, doc="Message delivery report (yes).")
UNICODE = Param("unicode", FLAG, doc="SMS message is in unicode (70 characters per SMS).")
ACCOUNTCODE = Param("accountcode", NAME, doc="Optional message ID, which is send in URL callback.")
MAIL = Param("email", EMAIL, doc="Email where delivery notification is send to.")


def _ready(ctx: Ctx) -> Tenant:
    t = tenant(ctx)
    sms.ensure_accounts(t)
    return t


def _due(ctx: Ctx) -> float | None:
    wall = ctx.params.get("datetime_scheduled")
    return epoch(tenant(ctx), wall, "datetime_scheduled") if isinstance(wall, datetime) else None


def _encoding(ctx: Ctx) -> str:
    return core.UCS2 if ctx.params.get("unicode") else core.GSM7


def _text(ctx: Ctx, raw: str) -> str:
    """Unless ``unicode`` is set, the text goes out in ASCII ("automatically converted")."""
    return raw if ctx.params.get("unicode") else core.fold_ascii(raw)


def _data(ctx: Ctx, t: Tenant, account: str, **more: Any) -> dict[str, Any]:
    own = sms.settings(t)
    data: dict[str, Any] = {"billing_id": own.billing_id, "accountcode": ctx.params.get("accountcode"),
                            "email": ctx.params.get("email") or None, **more}
    return data


def _priced(t: Tenant, msg: core.Message) -> core.Message:
    own = sms.settings(t)
    unit = own.connect_price if msg.account == sms.CONNECT else own.outgoing_price
    try:
        msg.data["price"] = f"{float(unit) * msg.segments:.3f}"
    except ValueError:
        msg.data["price"] = "0.000"
    return msg


# -- settings -----------------------------------------------------------------------------------
def get_settings(ctx: Ctx) -> dict[str, Any]:
    return sms.settings_view(_ready(ctx))


CALLBACKS = ("incoming_callback", "outgoing_callback")
SETTINGS_PARAMS = ("incoming_callback", "outgoing_callback", "incoming_email", "outgoing_email",
                   "sending_rate_limit", "sending_rate_time", "allowed_hour_begin", "allowed_hour_end")


def raw_pairs(ctx: Ctx) -> list[tuple[str, str]]:
    """The request's name=value pairs as sent (undecoded), the query's then a form body's."""
    parts = [ctx.scope.get("query_string", b"").decode("latin-1")]
    if ctx.body and "x-www-form-urlencoded" in ctx.header("content-type"):
        parts.append(ctx.body.decode("utf-8", "replace"))
    out = []
    for part in parts:
        for piece in part.split("&"):
            name, _, value = piece.partition("=")
            out.append((unquote_plus(name), value))
    return out


def rejoined_callbacks(ctx: Ctx) -> dict[str, str]:
    """Callback URLs as the doc's example sends them, unencoded: the pairs after
    ``incoming_callback=http://...?own_number=$number`` that are no parameter of this action
    (``own_text=$message`` ...) belong to the URL's own query and are joined back to it."""
    known = set(SETTINGS_PARAMS) | {"access_token"}
    out: dict[str, str] = {}
    current: str | None = None
    pieces: list[str] = []
    for name, value in raw_pairs(ctx) + [("", "")]:
        if current is not None and name and name not in known:
            pieces.append(f"{name}={value}")
            continue
        if current is not None:
            out[current] = unquote_plus("&".join(pieces))
            current = None
        if name in CALLBACKS:
            current, pieces = name, [value]
    return out


def set_settings(ctx: Ctx) -> None:
    t, p = _ready(ctx), ctx.params
    own = sms.settings(t)
    gsm = core.get_account(t, sms.GSM)
    limit = p["sending_rate_limit"] if p["sending_rate_limit"] is not None else gsm.rate_limit
    window = p["sending_rate_time"] if p["sending_rate_time"] is not None else int(gsm.rate_window)
    if limit > 0 and window == 0:
        raise ParamError(MISSING, "a rate limit needs its time", Param("sending_rate_time"))
    if window > 0 and limit == 0 and p["sending_rate_time"] is not None and p["sending_rate_limit"] is None:
        raise ParamError(MISSING, "a rate time needs its limit", Param("sending_rate_limit"))
    begin = p["allowed_hour_begin"] if p["allowed_hour_begin"] is not None else gsm.hours_begin
    end = p["allowed_hour_end"] if p["allowed_hour_end"] is not None else gsm.hours_end
    urls = {name: p[name] for name in CALLBACKS if p[name] is not None}
    urls.update({name: url for name, url in rejoined_callbacks(ctx).items() if name in urls})
    for name, url in urls.items():
        setattr(own, name, url or None)
    for name in ("incoming_email", "outgoing_email"):
        if p[name] is not None:
            setattr(own, name, p[name] or None)
    for account in sms.ACCOUNTS:
        core.configure(t, account, rate_limit=limit, rate_window=window, hours_begin=begin, hours_end=end)


def _optional(name: str, conv: Any, doc: str) -> Param:
    """A setting an empty value clears (``incoming_callback=``)."""
    return Param(name, conv, empty_is_missing=False, doc=doc)


# -- GSM gateway --------------------------------------------------------------------------------
def _sim(ctx: Ctx, t: Tenant) -> str | None:
    """The SIM line ``gw``, ``slot`` and ``port`` name together (none of them: cycle)."""
    given = [ctx.params[k] for k in ("gw", "slot", "port")]
    if all(v is None for v in given):
        return None
    for key, value in zip(("gw", "slot", "port"), given):
        if value is None:
            raise ParamError(MISSING, "gw, slot and port go together", Param(key))
    line = sms.sim_line(*(str(v) for v in given))
    if core.lines(t).get(line) is None:
        raise fail(e.SIM_NOT_FOUND, f"no SIM {line}")
    return line


def send_sms(ctx: Ctx) -> Any:
    t, p = _ready(ctx), ctx.params
    line = _sim(ctx, t)
    msg = core.send(t, sms.GSM, str(p["number"]), _text(ctx, str(p["message"])), encoding=_encoding(ctx),
                    report=bool(p["confirmation"]), priority=int(p["priority"]), due=_due(ctx), line_id=line,
                    throttled=True, data=_data(ctx, t, sms.GSM))
    _priced(t, msg)
    result = {"count_sms": str(msg.segments), "id": msg.id}
    literal = '{"count_sms":' + _json(result["count_sms"]) + ', "id":' + _json(msg.id) + "}"
    assert ctx.op is not None
    return render.literal_result(ctx.op.options["envelope"], ctx.path_params.get("format", "json"), literal, result)


def _json(value: str) -> str:
    return render.php_json(value).decode("ascii")


def _pairs(ctx: Ctx) -> list[tuple[str, str]]:
    """``number[k]`` with ``message[k]``: the keys pair them (one message for every number when
    a single text is sent)."""
    numbers, texts = ctx.params["number"], ctx.params["message"]
    if len(numbers) > sms.MAX_GROUP:
        raise fail(e.GROUP_TOO_LARGE, f"{len(numbers)} numbers")
    if isinstance(texts, str):
        return [(str(n), texts) for n in numbers.values()]
    missing = [k for k in numbers if k not in texts]
    if missing or len(texts) != len(numbers):
        raise ParamError(MISSING if missing else "invalid", "number[] and message[] must pair up",
                         Param("message"))
    return [(str(numbers[k]), str(texts[k])) for k in numbers]


def send_group(ctx: Ctx, account: str, **extra: Any) -> Any:
    t, p = _ready(ctx), ctx.params
    items = [(number, _text(ctx, message)) for number, message in _pairs(ctx)]
    group, sent = core.send_group(t, account, items, encoding=_encoding(ctx), report=bool(p["confirmation"]),
                                  priority=int(p["priority"]), due=_due(ctx),
                                  data=_data(ctx, t, account, **extra),
                                  group_data={"accountcode": p["accountcode"]})
    gid = int(group.id)
    out: dict[str, Any] = {group.id: {"count_sms": 0, "id": gid, "group_id": gid}}
    for msg in sent:
        _priced(t, msg)
        out[msg.id] = {"count_sms": msg.segments, "id": int(msg.id), "group_id": gid}
    return out


def send_group_sms(ctx: Ctx) -> Any:
    return send_group(ctx, sms.GSM)


def status_sms(ctx: Ctx) -> dict[str, Any]:
    t = _ready(ctx)
    account = core.get_account(t, sms.GSM)
    waiting = core.count(t, sms.GSM, core.WAITING) + core.count(t, sms.GSM, core.SENDING)
    last = account.last_sent_at
    return {"count_waiting": str(waiting),
            "last_datetime_processed": sms.local(t, last) if last is not None else None}


def status_group(ctx: Ctx) -> Any:
    t = _ready(ctx)
    gid = record_id(ctx)
    if gid is not None:
        group = core.groups(t).get(str(gid))
        if group is None:
            raise fail(e.GROUP_NOT_FOUND, f"no group {gid}")
        chosen = [group]
    else:
        chosen = sorted(core.groups(t), key=lambda g: int(g.id) if g.id.isdigit() else 0)
    rows = (sms.group_row(t, g) for g in chosen if sms.alive_group(t, g))
    waiting_only = bool(ctx.params["waiting"])
    return keyed({row["group_id"]: row for row in rows if not waiting_only or row["count_waiting"] != "0"})


def remove_group(ctx: Ctx) -> dict[str, Any]:
    t = _ready(ctx)
    gid = record_id(ctx)
    if gid is None:
        raise ParamError(MISSING, "", Param("id"))
    if core.groups(t).get(str(gid)) is None:
        raise fail(e.GROUP_NOT_FOUND, f"no group {gid}")
    return {"count_removed": core.cancel_group(t, str(gid))}


def _searched(ctx: Ctx, t: Tenant, account: str) -> list[core.Message]:
    p = ctx.params
    mid = record_id(ctx)
    keyword = str(p["keyword"]).casefold() if p["keyword"] is not None else None
    codes = set(p["accountcode"]) if p.get("accountcode") is not None else None
    start = epoch(t, p["datetime_from"], "datetime_from") if p["datetime_from"] is not None else None
    end = epoch(t, p["datetime_to"], "datetime_to") if p["datetime_to"] is not None else None
    sim = tuple(str(p[k]) if p.get(k) is not None else None for k in ("gw", "slot", "port"))
    out = []
    core.housekeep(t, account)
    for msg in core.messages(t):
        if msg.account != account or not sms.visible(t, msg):
            continue
        if mid is not None and msg.id != str(mid):
            continue
        if p["direction"] is not None and msg.direction != p["direction"]:
            continue
        if keyword is not None and keyword not in msg.number.casefold() and keyword not in msg.text.casefold():
            continue
        if codes is not None and msg.data.get("accountcode") not in codes:
            continue
        if p.get("email") is not None and msg.data.get("email") != p["email"]:
            continue
        if start is not None and msg.created_at < start or end is not None and msg.created_at > end:
            continue
        if any(want is not None for want in sim):
            have = sms.sim_of(core.lines(t).get(msg.line))
            if any(want is not None and want != got for want, got in zip(sim, have)):
                continue
        out.append(msg)
    out.sort(key=lambda m: (m.created_at, int(m.id) if m.id.isdigit() else 0))
    return out


def gsm_stamp(t: Tenant) -> tuple[Any, ...]:
    """GetSMS's further key, once the SMS state is brought up to date as every read of it does
    first (the products made, the old messages purged): the messages, groups and SIM lines as
    the engine adds, moves (every status change) and removes them (a message's other fields
    change with its status, or in the changing action that sent it) and each product's retention."""
    sms.ensure_accounts(t)
    core.housekeep(t, sms.GSM)
    msgs, lines = core.messages(t), core.lines(t)
    return (msgs, msgs.changes, lines, lines.changes, tuple((a.id, a.retention) for a in core.accounts(t)))


def gsm_until(t: Tenant) -> float | None:
    """The last instant every GSM message shown now is still within the retention."""
    account = core.accounts(t).get(sms.GSM)
    if account is None or account.retention <= 0:
        return None
    now = t.now()
    kept = [m.created_at for m in core.messages(t) if m.account == sms.GSM and m.created_at >= now - account.retention]
    return min(kept) + account.retention if kept else None


def get_sms(ctx: Ctx) -> list[dict[str, Any]]:
    t = _ready(ctx)
    return [sms.gsm_row(t, msg) for msg in _searched(ctx, t, sms.GSM)]


# -- SMSConnect -----------------------------------------------------------------------------------
def raw_sender(ctx: Ctx) -> str | None:
    """``sender`` as a client that does not URL-encode it sends it: ``+420...`` keeps its plus.
    A value with a ``%`` escape was encoded and is decoded as a form value is."""
    for name, value in reversed(raw_pairs(ctx)):
        if name == "sender":
            return unquote_plus(value) if "%" in value else unquote(value)
    given = ctx.params.get("sender")
    return str(given) if given is not None else None


def _sender(ctx: Ctx, t: Tenant) -> str | None:
    sender = raw_sender(ctx)
    if not sender:
        return None
    allowed = vendor_settings(t).get("sms_senders")
    if not isinstance(allowed, list) or sender not in allowed:
        raise fail(e.SENDER_NOT_ALLOWED, f"sender {sender!r} is not allowed")
    return sender


def send_sms_connect(ctx: Ctx) -> dict[str, Any]:
    t, p = _ready(ctx), ctx.params
    sender = _sender(ctx, t)
    msg = core.send(t, sms.CONNECT, str(p["number"]), _text(ctx, str(p["message"])), encoding=_encoding(ctx),
                    report=bool(p["confirmation"]), priority=int(p["priority"]), due=_due(ctx), throttled=True,
                    data=_data(ctx, t, sms.CONNECT, sender=sender))
    _priced(t, msg)
    return {"id": msg.id}


def send_group_connect(ctx: Ctx) -> Any:
    return send_group(ctx, sms.CONNECT, sender=_sender(ctx, _ready(ctx)))


def status_connect(ctx: Ctx) -> dict[str, Any]:
    t = _ready(ctx)
    waiting = core.count(t, sms.CONNECT, core.WAITING) + core.count(t, sms.CONNECT, core.SENDING)
    return {"count_waiting": str(waiting)}


def get_connect(ctx: Ctx) -> Any:
    t = _ready(ctx)
    return keyed({msg.id: sms.connect_row(t, msg) for msg in _searched(ctx, t, sms.CONNECT)})


# -- the table ----------------------------------------------------------------------------------
SEND = (Param("number", NUMBER, required=True, doc="MSISDN", example="123456789"),
        Param("message", MESSAGE, required=True, doc="SMS message (160 characters per SMS, at most 1377; "
                                                     "unicode 70, at most 603)", example="Ahoj"))
SIM = (Param("gw", php_int(0, 9999), doc="Gateway number (with slot and port)"),
       Param("slot", php_int(0, 9999), doc="Slot number (with gw and port)"),
       Param("port", php_int(0, 9999), doc="Port number (with gw and slot)"))
SEARCH = (Param("id", ID, doc="ID specific SMS message"),
          Param("direction", choice(("in", "out")), doc="Only incoming (in) or outgoing (out) messages."),
          Param("keyword", NAME, doc="Search via MSISDN or text in messages.", example="ahoj"),
          Param("accountcode", array_of(NAME, max_items=1000), doc="Message identification (or an array)"),
          Param("datetime_from", SQL_DATETIME, doc="Start date and time in format YYYY-MM-DD HH:MM:SS"),
          Param("datetime_to", SQL_DATETIME, doc="End date and time in format YYYY-MM-DD HH:MM:SS"))
SENDER = Param("sender", NAME, doc="Outbound identification (must be allowed). Default is Info.")


def _group_message_conv() -> Conv:
    """``message[k]`` as an array, or one text for every number."""
    mapping = mapping_of(MESSAGE)

    def parse(raw: Any) -> Any:
        return MESSAGE(raw) if isinstance(raw, str) else mapping(raw)
    return Conv("group_messages", parse, {"anyOf": [dict(mapping.schema), dict(MESSAGE.schema)]})


GROUP = (Param("number", mapping_of(NUMBER), required=True, doc="Array with MSISDNs (max 20.000)",
               example={"0": "123456789"}),
         Param("message", _group_message_conv(), required=True,
               doc="Array with SMS messages, paired with number[] by key", example={"0": "Ahoj1"}))

SPECS: dict[str, Spec] = {
    "daktela.GetSMSSettings": Spec(get_settings),
    "daktela.SetSMSSettings": Spec(set_settings, (
        _optional("incoming_callback", URL, "URL to notify all incoming SMS messages ($number, $message, $id, "
                                             "$direction placeholders; the rest appended)"),
        _optional("outgoing_callback", URL, "URL to notify all outgoing SMS messages, including DLR"),
        _optional("incoming_email", EMAIL, "Email to notify all incoming SMS messages."),
        _optional("outgoing_email", EMAIL, "Email to notify all outgoing SMS messages, including DLR"),
        Param("sending_rate_limit", php_int(0, 1000000), doc="Send message limit (SendSMS only); 0 disables"),
        Param("sending_rate_time", php_int(0, 31622400), doc="Limit time in seconds; 0 disables"),
        Param("allowed_hour_begin", HOUR, doc="First hour when messages can be sent; 0 disables"),
        Param("allowed_hour_end", HOUR, doc="Last hour when messages can be sent; 0 disables")), mutates=True),
    "daktela.SendSMS": Spec(send_sms, (*SEND, CONFIRMATION, UNICODE, MAIL, ACCOUNTCODE, *SIM, PRIORITY, SCHEDULED),
                            mutates=True),
    "daktela.SendGroupSMS": Spec(send_group_sms, (*GROUP, CONFIRMATION, UNICODE, MAIL, ACCOUNTCODE, PRIORITY,
                                                  SCHEDULED), mutates=True),
    "daktela.StatusSMS": Spec(status_sms),
    "daktela.StatusGroupSMS": Spec(status_group, (
        Param("id", ID, doc="ID specific group SMS message (group_id)"),
        Param("waiting", FLAG, doc="Set true when you need information only about waiting messages"))),
    "daktela.RemoveGroupSMS": Spec(remove_group, (Param("id", ID, doc="ID group SMS message (group_id)"),),
                                   mutates=True),
    "daktela.GetSMS": Spec(get_sms, (*SEARCH, Param("email", EMAIL, doc="Email set along the outgoing message"),
                                     *SIM), cached=True, stamp=gsm_stamp, until=gsm_until),
    "daktela.SendSMSConnect": Spec(send_sms_connect, (
        Param("number", NUMBER, required=True, doc="Recipient's number, in format +420xxx",
              example="+420123456789"), SEND[1], CONFIRMATION, PRIORITY, ACCOUNTCODE, SCHEDULED, SENDER, UNICODE),
        mutates=True),
    "daktela.SendGroupSMSConnect": Spec(send_group_connect, (*GROUP, CONFIRMATION, ACCOUNTCODE, PRIORITY, SCHEDULED,
                                                             SENDER, UNICODE), mutates=True),
    "daktela.StatusSMSConnect": Spec(status_connect),
    "daktela.GetSMSConnect": Spec(get_connect, SEARCH),
}
