"""The default tenant's SMS: the doc's SIM cards, messages and groups, placed before the clock's
start (retention is six months, so the doc's 2011-2014 dates become recent ones) and groups still
waiting for their scheduled time, so every SMS example of daktela.txt has its state.

- SIM cards: gateway 1, slot 1, ports 1 and 2 (GetSMS' rows).
- GetSMS: 7178 "Ahoj,jak se mas?" (sent on port 1, delivered, 3.500) and 7180 "Ahoj toto je jen
  na ukazku" (port 2, not delivered), both to 603927227 with a delivery report; an answer from
  603927227 came in later.
- RemoveGroupSMS/1234: a group of three, one sent, two scheduled for tomorrow, 10:00.
- StatusGroupSMS: 11213 (accountcode 1) of three, one sent, two scheduled for tomorrow; two more
  such campaigns before it (11205, 11209).
- GetSMSConnect: 16 "Ahoj" to +420123456789 (sent, no report asked, 0.590).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from ..core import sms as core
from ..core.world import Tenant
from . import sms

SIMS = (("1", "1", "1", "+420601111111"), ("1", "1", "2", "+420601111112"))


def _tomorrow(t: Tenant, hour: int) -> float:
    local = datetime.fromtimestamp(t.now(), ZoneInfo(t.timezone))
    day = (local.replace(tzinfo=None) + timedelta(days=1)).replace(hour=hour, minute=0, second=0, microsecond=0)
    return day.replace(tzinfo=local.tzinfo).timestamp()


def _message(t: Tenant, mid: str, account: str, line: str, number: str, text: str, ago: float, *,
             status: str, sent_after: float | None = None, finished_after: float | None = None,
             reason: str | None = None, report: bool = False, group: str = "", direction: str = core.OUT,
             due: float | None = None, **data: object) -> core.Message:
    created = t.now() - ago
    parts = core.segment(text, core.UCS2 if data.pop("unicode", False) else core.GSM7)
    msg = core.Message(mid, account, direction, number, text, parts.encoding, parts.count, created,
                       due if due is not None else created, status, 10, line, group, report, group == "",
                       created + sent_after if sent_after is not None else None,
                       created + finished_after if finished_after is not None else None, reason,
                       {"billing_id": "674", "accountcode": None, "email": None, "price": "0.000", **data})
    return core.adopt(t, msg)


def _group(t: Tenant, gid: str, account: str, accountcode: str | None, ago: float, sent: int, waiting: int) -> None:
    """A group created ``ago`` seconds before the start: ``sent`` messages went out, ``waiting``
    wait for tomorrow at 10:00."""
    created = t.now() - ago
    core.adopt_group(t, core.Group(gid, account, created, sent + waiting, {"accountcode": accountcode}))
    n = int(gid)
    lines = [line.id for line in core.lines_of(t, account)]
    tomorrow = _tomorrow(t, 10)
    for i in range(sent + waiting):
        n += 1
        number, line = f"60392{7230 + n % 1000:04d}", lines[i % len(lines)]
        if i < sent:
            _message(t, str(n), account, line, number, "Pripominame Vam zitrejsi termin.", ago, status=core.SENT,
                     sent_after=6.0 + 3 * i, group=gid, accountcode=accountcode)
        else:
            _message(t, str(n), account, line, number, "Pripominame Vam zitrejsi termin.", ago, status=core.WAITING,
                     group=gid, due=tomorrow, accountcode=accountcode)


def seed(t: Tenant) -> None:
    sms.settings(t)
    sms.ensure_accounts(t)
    for gw, slot, port, number in SIMS:
        core.add_line(t, sms.sim_line(gw, slot, port), sms.GSM, number=number,
                      data={"gw": gw, "slot": slot, "port": port})
    p1, p2 = sms.sim_line("1", "1", "1"), sms.sim_line("1", "1", "2")
    _message(t, "7178", sms.GSM, p1, "603927227", "Ahoj,jak se mas?", 2 * 86400 + 5400, status=core.DELIVERED,
             sent_after=104.0, finished_after=110.0, report=True, billing_id="259", price="3.500")
    _message(t, "7180", sms.GSM, p2, "603927227", "Ahoj toto je jen na ukazku", 86400 + 3600, status=core.FAILED,
             sent_after=25.0, finished_after=40.0, reason=core.UNREACHABLE, report=True, billing_id="259")
    _message(t, "7183", sms.GSM, p1, "603927227", "Ahoj, diky za info.", 86400, status=core.RECEIVED,
             sent_after=0.0, direction=core.IN, billing_id="259")
    core.accounts(t).get(sms.GSM).last_sent_at = t.now() - 86400 - 3600 + 25.0  # type: ignore[union-attr]
    _message(t, "16", sms.CONNECT, sms.CONNECT_LINE, "+420123456789", "Ahoj", 5 * 3600, status=core.SENT,
             sent_after=1.0, billing_id="987", price="0.590", unicode=True,
             message_id="013000000009689Bulk_000000bc")
    _group(t, "1234", sms.GSM, "2", 3 * 3600, 1, 2)
    for gid, code in (("11205", "1"), ("11209", "1"), ("11213", "1")):
        _group(t, gid, sms.GSM, code, 2 * 3600, 1, 2)
