"""Campaigns: create, stop, list (cpaas.txt, Create Campaign, Stop Campaign, Get Campaign
Details). The dialling itself is the core campaign engine's (``core.campaigns``).

Create Campaign's table and its examples disagree: the examples send ``repeat`` (the table
says ``repeat_count``) and never ``retry_attempts`` or ``retry_on_statuses``. Both names are
read (the examples' first); see docs/FIDELITY.md for every rule.
"""

from __future__ import annotations

from typing import Any

from ..core import campaigns as cm
from ..core.calls import D_ABANDONED, D_BUSY, D_CANCELLED, D_FAILED, D_NO_ANSWER, D_REJECTED, D_TIMEDOUT
from ..dialect.operation import Ctx
from ..dialect.params import text
from . import errors as e
from .bucket import BucketError, wav_seconds
from .common import account, epoch, new_id, refuse, tenant, wall_text
from .lists import owned_list
from .params import (
    ANNOUNCEMENT_MAX,
    CAMPAIGN_ID,
    DND_LIST_ID,
    LIST_ID,
    NAME,
    TIME_ZONE,
    TTS,
    WAV_FILE,
    choice_field,
    datetime_field,
    field,
    int_field,
    number_field,
)
from .tts import PAUSE, WORDS_PER_MINUTE
from .views import render_campaign

RETRY_STATUSES = {"NOANSWER": (D_NO_ANSWER, D_TIMEDOUT), "BUSY": (D_BUSY, D_REJECTED),
                  "CHANUNAVAIL": (D_FAILED,), "CONGESTION": (D_FAILED,), "CANCEL": (D_CANCELLED, D_ABANDONED)}
"""retry_on_statuses words (Asterisk dial statuses) -> the call dispositions they retry."""
DEFAULT_RETRY = "NOANSWER,BUSY,CHANUNAVAIL,CONGESTION"
"""Unanswered attempts are retried, whatever the reason (none is documented)."""
LIMITS = {"repeat": (1, 10), "max_retries": (0, 10), "retry_time": (1, 86_400), "calls_per_minute": (1, 1000)}

CREATE_CAMPAIGN = (
    field("list_id", LIST_ID, doc="A contact list of the account", example="LS608c393614"),
    field("dnd_list_id", DND_LIST_ID, doc="A DND list of the account", example="DNd2b09f8f80"),
    field("campaign_name", NAME, doc="A unique name for the campaign", example="test_broadcast_campaign"),
    choice_field("campaign_type", ("0", "1"), doc="0 announce only, 1 connect to an IVR (survey)", example="0"),
    number_field("campaign_caller_id", "campaign caller id", doc="Caller id the contacts see",
                 example="15168148111"),
    choice_field("dynamic_announcement", ("0", "1"), doc="0 play recorded_filename, 1 speak announcement_text",
                 example="1"),
    field("recorded_filename", WAV_FILE, required=False, doc="A wav file in the bucket (dynamic_announcement 0)",
          example="quality_training-8khz.wav"),
    field("announcement_text", text(max_len=ANNOUNCEMENT_MAX), required=False,
          doc="The text with {field1} ... placeholders (dynamic_announcement 1)",
          example="Dear, {field1} , {field2}, Your due balance is,, {field3},,INR only"),
    int_field("repeat", *LIMITS["repeat"], required=False, doc="Times the announcement plays (1 to 10, default 1)",
              example="2"),
    int_field("repeat_count", *LIMITS["repeat"], required=False, doc="The table's name for repeat"),
    int_field("max_retries", *LIMITS["max_retries"], required=False,
              doc="Retries of an unanswered contact (0 to 10; mandatory)", example="1"),
    int_field("retry_attempts", *LIMITS["max_retries"], required=False, doc="The table's other name for max_retries"),
    field("retry_on_statuses", text(max_len=100, pattern=r"[A-Z]+(,[A-Z]+)*"), required=False,
          invalid=e.INVALID_CHOICE.format(name="retry_on_statuses", values=", ".join(RETRY_STATUSES)),
          doc=f"Comma separated dial statuses to retry (default {DEFAULT_RETRY})", example="NOANSWER,BUSY"),
    int_field("retry_time", *LIMITS["retry_time"], doc="Seconds before a retry (1 to 86400)", example="60"),
    int_field("calls_per_minute", *LIMITS["calls_per_minute"], doc="Dials per minute (1 to 1000)", example="10"),
    *TTS[:4],
    datetime_field("campaign_start_date", doc="YYYY-mm-dd hh:mm:ss in time_zone", example="2026-09-25 14:05:00"),
    datetime_field("campaign_end_date", doc="YYYY-mm-dd hh:mm:ss in time_zone, after the start and ahead",
                   example="2026-09-26 20:00:00"),
    field("time_zone", TIME_ZONE, required=False, default="UTC", doc="Zone of the dates (default UTC)",
          example="Asia/Kolkata"),
    *TTS[4:],
)
CAMPAIGN = (field("campaign_id", CAMPAIGN_ID, doc="A campaign of the account", example="CM7b1b0f4c2f"),)


def create_campaign(ctx: Ctx) -> dict[str, Any]:
    t, p, owner = tenant(ctx), ctx.params, account(ctx)
    contacts = owned_list(ctx, "list_id", cm.CONTACTS)
    dnd = owned_list(ctx, "dnd_list_id", cm.DND)
    name = p["campaign_name"]
    if any(found.name == name for found in cm.campaigns(t).where(owner=owner)):
        refuse(e.bad_request(e.NAME_TAKEN.format(name="campaign_name")), f"campaign_name {name!r} is taken")
    on_answer, repeat = _on_answer(ctx)
    max_retries = p["max_retries"] if p["max_retries"] is not None else p["retry_attempts"]
    if max_retries is None:
        refuse(e.mandatory("max_retries"))
    retry_on = _retry_on(p["retry_on_statuses"])
    zone = p["time_zone"]
    start = epoch(p["campaign_start_date"], zone, "campaign_start_date")
    end = epoch(p["campaign_end_date"], zone, "campaign_end_date")
    if end <= start:
        refuse(e.bad_request(e.END_BEFORE_START.format(name="campaign_end_date", other="campaign_start_date")))
    if end <= t.now():
        refuse(e.bad_request(e.NOT_FUTURE.format(name="campaign_end_date")))
    campaign_id = new_id(t, "CM", "campaign")
    cm.create_campaign(
        t, campaign_id=campaign_id, owner=owner, name=name, list_id=contacts.id, dnd_list_id=dnd.id,
        caller=p["campaign_caller_id"], start_at=start, end_at=end, calls_per_minute=p["calls_per_minute"],
        max_retries=max_retries, retry_after=p["retry_time"], retry_on=retry_on, on_answer=on_answer,
        call_tags={"owner": owner, "service": "campaign", "campaign_type": p["campaign_type"]},
        data={"campaign_type": p["campaign_type"], "calls_per_minute": str(p["calls_per_minute"]),
              "max_retries": str(max_retries), "retry_time": str(p["retry_time"]), "repeat": str(repeat),
              "start_wall": wall_text(p["campaign_start_date"]), "end_wall": wall_text(p["campaign_end_date"]),
              "time_zone": zone, "dynamic_announcement": p["dynamic_announcement"],
              "recorded_filename": p["recorded_filename"] or "", "announcement_text": p["announcement_text"] or "",
              **{k: p[k] for k in ("voice", "volume", "rate", "pitch", "language_code", "tts_engine_type")}})
    return {"campaign_id": campaign_id}


def _on_answer(ctx: Ctx) -> tuple[dict[str, Any], int]:
    """What a contact hears, and the repeat count: type 1 connects to the IVR (the contact talks
    for their own time); type 0 plays the recording, or speaks the text, ``repeat`` times."""
    p = ctx.params
    repeat = p["repeat"] if p["repeat"] is not None else (p["repeat_count"] or 1)
    if p["dynamic_announcement"] == "0":
        if not p["recorded_filename"]:
            refuse(e.mandatory("recorded_filename"))
        try:
            seconds = wav_seconds(tenant(ctx), p["recorded_filename"])
        except BucketError as exc:
            refuse(e.bad_file("recorded_filename", str(exc), exc.missing))
        spoken: dict[str, Any] = {"mode": "announce", "seconds": round(repeat * (seconds + PAUSE), 3)}
    else:
        if not p["announcement_text"]:
            refuse(e.mandatory("announcement_text"))
        spoken = {"mode": "announce", "text": p["announcement_text"], "repeat": repeat,
                  "words_per_minute": WORDS_PER_MINUTE[p["rate"]], "pause": PAUSE}
    if p["campaign_type"] == "1":
        return {"mode": "talk"}, repeat
    return spoken, repeat


def _retry_on(words: str | None) -> list[str]:
    out: list[str] = []
    for word in (words or DEFAULT_RETRY).split(","):
        if word not in RETRY_STATUSES:
            refuse(e.bad_request(e.INVALID_CHOICE.format(name="retry_on_statuses",
                                                         values=", ".join(RETRY_STATUSES))))
        out.extend(d for d in RETRY_STATUSES[word] if d not in out)
    return out


def owned_campaign(ctx: Ctx) -> cm.Campaign:
    found = cm.campaigns(tenant(ctx)).get(ctx.params["campaign_id"])
    if found is None or found.owner != account(ctx):
        refuse(e.not_found(e.INVALID.format(name="campaign_id")), f"no campaign {ctx.params['campaign_id']}")
    return found


def stop_campaign(ctx: Ctx) -> dict[str, Any]:
    """Stop dialling (calls in progress end on their own); a campaign that is over already is
    answered the same way and stays as it is."""
    cm.stop_campaign(tenant(ctx), owned_campaign(ctx).id)
    return {"message": e.CAMPAIGN_STOPPED}


def get_campaign_details(ctx: Ctx) -> dict[str, Any]:
    found = cm.campaigns(tenant(ctx)).where(owner=account(ctx))
    if not found:
        refuse(e.not_found(e.CAMPAIGN_NOT_FOUND), "the account has no campaign")
    return {"message": e.CAMPAIGN_FOUND, "result": [render_campaign(c) for c in found]}

