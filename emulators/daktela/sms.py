"""Daktela's two SMS products over the core's SMS engine (``core/sms.py``): the hosted GSM
gateway (section SMS: SIM cards at gateway/slot/port, results ``waiting``/``ok``/``error``) and
SMSConnect (an SMS centre: ``NEW``, ``SENT``, ``DELIVERED`` ...), their shared settings
(GetSMSSettings/SetSMSSettings) and how their messages read (GetSMS rows, GetSMSConnect rows).

The GSM gateway is the core account ``gsm``, one line per SIM card (``gsm:<gw>:<slot>:<port>``);
SMSConnect is the account ``connect`` with one line. The settings' rate limit and allowed hours
are the core accounts' own (both accounts get them); the callbacks, e-mails and the rest are
Daktela's (``sms_settings``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..core import sms
from ..core.formats import sql_datetime
from ..core.records import as_dict
from ..core.store import Collection
from ..core.world import Tenant

GSM, CONNECT = "gsm", "connect"
ACCOUNTS = (GSM, CONNECT)
CONNECT_LINE = "connect"
SETTINGS = "sms_settings"
RETENTION = 183 * 86400.0
"""Daktela keeps SMS for six months (GetSMS, "Important")."""
MAX_GROUP = 20000
"""SendGroupSMS: "Max limit is 20.000 messages"."""
DEFAULT_PRIORITY = 10
DEFAULT_SENDER = "Info"
"""SendSMSConnect: "Default is Info"."""

ERROR_CODES = {sms.CONGESTION: "0x2A", sms.REJECTED: "0x15", sms.UNREACHABLE: "0x1B", sms.EXPIRED: "0x46"}
"""GetSMS ``code_error`` of a failed message: the GSM 07.05 / 03.40 code of its reason in hex
(42 congestion, 21 short message transfer rejected, 27 destination out of service, 0x46 validity
period expired); the doc names "a hex error code" without the list."""
CONNECT_FAILED = {sms.CONGESTION: "ERROR", sms.REJECTED: "FORBIDDEN", sms.UNREACHABLE: "NOTDELIVERED",
                  sms.EXPIRED: "EXPIRED"}
GSM_RESULT = {sms.WAITING: "waiting", sms.SENDING: "waiting", sms.SENT: "ok", sms.DELIVERED: "ok",
              sms.FAILED: "error", sms.RECEIVED: "ok", sms.CANCELLED: "cancelled"}
CONNECT_RESULT = {sms.WAITING: "NEW", sms.SENDING: "NEW", sms.SENT: "SENT", sms.DELIVERED: "DELIVERED",
                  sms.RECEIVED: "DELIVERED", sms.CANCELLED: "CANCELLED"}


@dataclass
class SmsSettings:
    """GetSMSSettings' ``settings`` beside the rate limit and hours (the core accounts hold those)."""

    id: str
    billing_id: str = "674"
    enabled_sms: str = "CONNECT"
    outgoing_price: str = "0.000"
    """Price of one outgoing GSM segment (the SIM card's operator bills the rest)."""
    incoming_callback: str | None = None
    outgoing_callback: str | None = None
    incoming_email: str | None = None
    outgoing_email: str | None = None
    email_notification_allow: str = "in,out,confirmed"
    sending_rate_limit_admin: str = "1000"
    sending_rate_time_admin: str = "86400"
    lang: str = "cs_CZ"
    connect_sender: str | None = None
    connect_price: str = "0.590"
    """Price of one SMSConnect segment (GetSMSConnect's example)."""


def declare(t: Tenant) -> None:
    sms.declare(t)
    t.store.declare(Collection(SETTINGS, record=SmsSettings, to_dict=as_dict,
                               from_dict=lambda data: SmsSettings(**data)))


def settings(t: Tenant) -> SmsSettings:
    found = t.store[SETTINGS].get("1")
    if found is None:  # a scenario's empty world: the product's defaults
        found = t.store[SETTINGS].add(SmsSettings("1"))
    return found


def ensure_accounts(t: Tenant) -> None:
    """The two accounts (a scenario's empty world has none until it sends)."""
    store = sms.accounts(t)
    if GSM not in store:
        sms.add_account(t, GSM, send_seconds=3.0, report_after=10.0, retention=RETENTION)
    if CONNECT not in store:
        sms.add_account(t, CONNECT, send_seconds=0.2, report_after=4.0, retention=RETENTION)
        sms.add_line(t, CONNECT_LINE, CONNECT, data={"sender": DEFAULT_SENDER})


def scenario_account(t: Tenant) -> str:
    """The GSM gateway, with a SIM card (gateway 1, slot 1, port 1) if it has none."""
    settings(t)
    ensure_accounts(t)
    if not sms.lines_of(t, GSM):
        sms.add_line(t, sim_line("1", "1", "1"), GSM, data={"gw": "1", "slot": "1", "port": "1"})
    return GSM


def sim_line(gw: str, slot: str, port: str) -> str:
    return f"{GSM}:{gw}:{slot}:{port}"


def sim_of(line: sms.Line | None) -> tuple[str, str, str]:
    """(gateway, slot, port) numbers of a SIM line ("" for none)."""
    if line is None:
        return "", "", ""
    data = line.data
    return str(data.get("gw", "")), str(data.get("slot", "")), str(data.get("port", ""))


# -- reading ------------------------------------------------------------------------------------
def local(t: Tenant, epoch: float | None) -> str | None:
    return sql_datetime(epoch, t.timezone) if epoch is not None else None


def _utc(epoch: float | None) -> str | None:
    return sql_datetime(epoch, "UTC") if epoch is not None else None


def price(msg: sms.Message) -> str:
    return str(msg.data.get("price", "0.000"))


def gsm_row(t: Tenant, msg: sms.Message) -> dict[str, Any]:
    """A GetSMS row. ``datetime_processed`` is UTC, as the doc's rows show it (two hours before
    ``datetime`` in October); ``code_error`` only on a failed message."""
    gw, slot, port = sim_of(sms.lines(t).get(msg.line))
    data = msg.data
    row: dict[str, Any] = {
        "id": msg.id, "billing_id": str(data.get("billing_id", "")), "direction": msg.direction,
        "datetime": local(t, msg.created_at), "datetime_processed": _utc(msg.sent_at), "number": msg.number,
        "attempts": str(data.get("attempts", 0)), "count_sms": str(msg.segments),
        "from_client": str(data.get("from_client", "")), "message": msg.text,
        "result": GSM_RESULT.get(msg.status, "error")}
    if msg.status == sms.FAILED:
        row["code_error"] = ERROR_CODES.get(msg.reason or "", "0x01")
    row.update({"confirmation_enable": "1" if msg.report else "0",
                "confirmed": "1" if msg.status == sms.DELIVERED else "0", "price": price(msg),
                "gw_number": gw, "slot_number": slot, "port_number": port,
                "accountcode": data.get("accountcode"), "email": data.get("email")})
    return row


def connect_result(msg: sms.Message) -> str:
    if msg.status == sms.FAILED:
        return CONNECT_FAILED.get(msg.reason or "", "ERROR")
    return CONNECT_RESULT.get(msg.status, "ERROR")


def recipient(number: str) -> str:
    """SMSConnect writes international numbers with 00 (``+420...`` -> ``00420...``)."""
    return "00" + number[1:] if number.startswith("+") else number


def message_id(msg: sms.Message) -> str:
    """The SMS centre's id of a message (``013000000009689Bulk_000000bc``)."""
    seq = int(msg.id) if msg.id.isdigit() else 0
    batch = int(msg.group) if msg.group.isdigit() else seq
    return f"0130{seq:011d}Bulk_{batch & 0xffffffff:08x}"


def connect_row(t: Tenant, msg: sms.Message) -> dict[str, Any]:
    """A GetSMSConnect row; ``datetime_notdelivered`` only once a message was not delivered."""
    data = msg.data
    result = connect_result(msg)
    row: dict[str, Any] = {
        "id": msg.id, "message_id": str(data.get("message_id") or message_id(msg)),
        "billing_id": str(data.get("billing_id", "")), "direction": msg.direction.upper(), "result": result,
        "datetime": local(t, msg.created_at), "datetime_sent": local(t, msg.sent_at),
        "datetime_delivered": local(t, msg.finished_at) if msg.status == sms.DELIVERED else None}
    if result in ("NOTDELIVERED", "EXPIRED"):
        row["datetime_notdelivered"] = local(t, msg.finished_at)
    row.update({"datetime_billed": local(t, msg.finished_at) if msg.status == sms.DELIVERED else None,
                "sender": data.get("sender"), "recipient": recipient(msg.number), "price": price(msg),
                "message": msg.text, "sms_encoding": "UTF8" if msg.encoding == sms.UCS2 else "GSM",
                "count_sms": str(msg.segments), "request_dlr": "1" if msg.report else "0",
                "attempts": str(data.get("attempts", 0)), "group_id": msg.group or None})
    return row


def row(t: Tenant, msg: sms.Message) -> dict[str, Any]:
    """The message as its product shows it (callbacks carry this)."""
    return connect_row(t, msg) if msg.account == CONNECT else gsm_row(t, msg)


def alive_group(t: Tenant, group: sms.Group) -> bool:
    account = sms.accounts(t).get(group.account)
    return account is None or account.retention <= 0 or group.created_at >= t.now() - account.retention


def visible(t: Tenant, msg: sms.Message) -> bool:
    """What the reads show: not removed (a cancelled group message) and within the retention."""
    return msg.status != sms.CANCELLED and sms.alive(t, msg)


def group_row(t: Tenant, group: sms.Group) -> dict[str, Any]:
    """StatusGroupSMS: the group's counts (cancelled messages are removed from it)."""
    counts = {status: 0 for status in sms.STATUSES}
    processed: float | None = None
    for msg in sms.group_messages(t, group.id):
        counts[msg.status] += 1
        if msg.sent_at is not None and (processed is None or msg.sent_at > processed):
            processed = msg.sent_at
    total = sum(n for status, n in counts.items() if status != sms.CANCELLED)
    return {"group_id": group.id, "accountcode": group.data.get("accountcode"),
            "datetime_processed": local(t, processed), "datetime": local(t, group.created_at),
            "count_total": str(total), "count_ok": str(counts[sms.SENT] + counts[sms.DELIVERED]),
            "count_waiting": str(counts[sms.WAITING] + counts[sms.SENDING]), "count_error": str(counts[sms.FAILED])}


def settings_view(t: Tenant) -> dict[str, Any]:
    own = settings(t)
    gsm = sms.accounts(t).get(GSM)
    sims = [{"gw_number": gw, "slot_number": slot, "port_number": port, "number": line.number,
             "count_sent": str(line.sent)}
            for line in sms.lines_of(t, GSM) for gw, slot, port in (sim_of(line),)] if gsm is not None else []
    return {"settings": {
        "billing_id": own.billing_id, "enabled_sms": own.enabled_sms, "outgoing_price": own.outgoing_price,
        "incoming_callback": own.incoming_callback, "outgoing_callback": own.outgoing_callback,
        "incoming_email": own.incoming_email, "outgoing_email": own.outgoing_email,
        "email_notification_allow": own.email_notification_allow,
        "sending_rate_limit": str(gsm.rate_limit if gsm else 0),
        "sending_rate_time": str(int(gsm.rate_window) if gsm else 0),
        "allowed_hour_begin": str(gsm.hours_begin if gsm else 0),
        "allowed_hour_end": str(gsm.hours_end if gsm else 0),
        "sending_rate_limit_admin": own.sending_rate_limit_admin,
        "sending_rate_time_admin": own.sending_rate_time_admin, "lang": own.lang,
        "connect_sender": own.connect_sender}, "sim": sims}
