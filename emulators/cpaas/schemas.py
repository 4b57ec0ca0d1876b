"""JSON Schemas of the CPaaS's answers (the OpenAPI document): each operation's success body,
the refusal envelope, Werkzeug's pages. Declarative data only: the answers themselves are
written by ``views``; tests hold every answer the emulator gives to these schemas.
"""

from __future__ import annotations

from typing import Any

from .views import FALSE, TRUE

TEXT: dict[str, Any] = {"type": "string"}
HTTP_DATE: dict[str, Any] = {
    "type": "string",
    "pattern": r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), [0-9]{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) "
               r"[0-9]{4} [0-9]{2}:[0-9]{2}:[0-9]{2} GMT$"}
"""Flask's date (``Tue, 04 Jul 2023 05:31:42 GMT``)."""
COUNT: dict[str, Any] = {"type": "integer", "minimum": 0}


def _object(properties: dict[str, Any]) -> dict[str, Any]:
    return {"type": "object", "required": sorted(properties), "additionalProperties": False,
            "properties": dict(sorted(properties.items()))}


def envelope(**fields: Any) -> dict[str, Any]:
    """``{"response": {...fields, "success": "true"}}``, keys sorted as Flask writes them."""
    return _object({"response": _object({**fields, "success": {"const": TRUE}})})


REFUSAL = _object({"response": _object({"message": TEXT, "success": {"const": FALSE}})})
"""Every refusal in the API's envelope."""
PAGE = {"type": "string", "pattern": "^<!doctype html>\n<html lang=en>\n<title>[0-9]{3} "}
"""Werkzeug's HTML error page."""

REQUESTED = envelope(request_id=TEXT)
CHANGED = envelope(message=TEXT, request_id=TEXT)
MESSAGE = envelope(message=TEXT)

CDR_ROW: dict[str, Any] = {
    "account_id": TEXT, "agent_number": TEXT, "answer": HTTP_DATE,
    "billsec": {"type": ["number", "null"]}, "call_date": HTTP_DATE, "call_direction": TEXT,
    "call_duration": {"type": ["number", "null"]}, "call_status": {"type": ["string", "null"]},
    "caller_id": TEXT, "customer_number": TEXT, "destination_context": TEXT, "dial_status": TEXT,
    "dialed_number": TEXT, "dtmf_inputs": TEXT, "end": HTTP_DATE, "id": {"type": "integer"},
    "recording_name": TEXT, "request_id": TEXT, "uniqueid": TEXT}
"""One CDR (cpaas.txt, Get CDR By Request ID); a number the campaign skipped (DND) has no
duration, billed seconds or status."""
CAMPAIGN_CDR_ROW = {**CDR_ROW, "is_dnd": {"enum": ["0", "1"]}, "list_id": TEXT}

CDRS = envelope(message=TEXT, result={"type": "array", "minItems": 1, "items": _object(CDR_ROW)})
CAMPAIGN_CDRS = envelope(message=TEXT, result={"type": "array", "minItems": 1,
                                               "items": _object(CAMPAIGN_CDR_ROW)})
CAMPAIGNS = envelope(message=TEXT, result={"type": "array", "minItems": 1, "items": _object({
    name: TEXT for name in ("calls_per_minute", "campaign_caller_id", "campaign_id", "campaign_name",
                            "campaign_status", "campaign_type", "max_retries", "repeat_announcement_count",
                            "retry_time")} | {"campaign_end_date": HTTP_DATE, "campaign_start_date": HTTP_DATE})})

_COUNTER = {"type": "array", "minItems": 1, "maxItems": 1, "items": COUNT}
_STATUS_COUNTERS = ("answer_calls", "busy_calls", "cancel_calls", "chanunavail_calls", "congestion_calls",
                    "noanswer_calls", "total_calls")
CDR_STATISTICS = envelope(result=_object({name: _COUNTER for name in _STATUS_COUNTERS}))
CAMPAIGN_CDR_STATISTICS = envelope(result=_object({name: _COUNTER for name in (*_STATUS_COUNTERS, "dnd_calls")}))
LIVE_CALL_STATISTICS = envelope(result=_object({name: COUNT for name in (
    "live_calls_c2c", "live_calls_campaign", "live_calls_inbound", "live_calls_otp")}))
