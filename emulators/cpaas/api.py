"""The 21 CPaaS operations as rows of a table, on the kit's one pipeline (cpaas.txt).

Every path is the document's (``http://localhost/api/...``; Stop Campaign also at the
``/stop_campaign`` its URL line shows). Requests name their account in the ``account`` and
``auth`` headers; operations that take a body read it as JSON, as the Flask server does
(anything else is Werkzeug's 415 or 400 page). Write operations answer in the spaced form the
document shows, reads (and Modify Live Call) compactly.
"""

from __future__ import annotations

import json
from typing import Any, Mapping

from starlette.responses import Response

from ..dialect.admission import check_rate_limit
from ..dialect.api import VendorApi
from ..dialect.errors import Err, VendorError
from ..dialect.operation import Ctx, Operation
from ..dialect.params import BODY
from ..dialect.request import BadBody, json_too_deep
from . import accounts, calls, campaign_ops, lists, reports, schemas, views
from . import errors as e
from .accounts import HEADER_ACCOUNT, HEADER_AUTH, VENDOR

DOC = "Document for CPaaS APIs (cpaas.txt)"
API = "/api/"
JSON_TYPE = "application/json"


def _doc_body(text: str) -> Any:
    """A documented answer, its masked digits filled with 5s (as requests fill them)."""
    return json.loads(text.replace("XXXX", "5555"))


def _op(name: str, method: str, run: Any, summary: str, section: str, *, params: tuple[Any, ...] = (),
        style: str = views.SPACED, paths: tuple[str, ...] | None = None, response: str | None = None,
        mutates: bool = False, schema: Mapping[str, Any] = schemas.MESSAGE) -> Operation:
    return Operation(name=name, methods=(method,), paths=paths or (API + name,), run=run, params=params,
                     mutates=mutates, summary=summary, doc=f"cpaas.txt, {section}",
                     examples=({"response": _doc_body(response)},) if response else (),
                     response_schema=schema, options={"style": style})


OPERATIONS: tuple[Operation, ...] = (
    _op("click2call", "POST", calls.click2call, "Call the agent, then the destination, and bridge them",
        "Click To Call", params=calls.CLICK2CALL, mutates=True,
        response='{"response": {"request_id": "57362de4f0","success": "true"}}',
        schema=schemas.REQUESTED),
    _op("callback", "POST", calls.create_callback, "Book a click-to-call for a future time",
        "Callback Request (POST)", params=calls.CALLBACK_CREATE, mutates=True,
        response='{"response": {"request_id": "fd5ff6e021","success": "true"}}',
        schema=schemas.REQUESTED),
    _op("callback_update", "PATCH", calls.update_callback, "Change a booked callback",
        "Callback Request (PATCH)", params=calls.CALLBACK_UPDATE, paths=(API + "callback",), mutates=True,
        response='{"response": {"message": "callback data modified successfully","request_id": "fd5ff6e021",'
                 '"success": "true"}}',
        schema=schemas.CHANGED),
    _op("callback_delete", "DELETE", calls.delete_callback, "Cancel a booked callback",
        "Callback Request (DELETE)", params=calls.CALLBACK_DELETE, paths=(API + "callback",), mutates=True,
        response='{"response": {"message": "callback request deleted successfully","request_id": "fd5ff6e021",'
                 '"success": "true"}}',
        schema=schemas.CHANGED),
    _op("outbound_call", "POST", calls.outbound_call, "Call a customer and announce an OTP",
        "One Time Password", params=calls.OUTBOUND_CALL, mutates=True,
        response='{"response": {"request_id": "ae63e9576e","success": "true"}}',
        schema=schemas.REQUESTED),
    _op("create_campaign_list", "POST", lists.create_campaign_list, "Create a contact list",
        "Create Campaign List", params=lists.CREATE_LIST, mutates=True,
        response='{"response": {"list_id": "LSdb6a12e1f1","success": "true"}}',
        schema=schemas.envelope(list_id=schemas.TEXT)),
    _op("add_contact_to_list", "POST", lists.add_contact_to_list, "Add contacts to a list",
        "Add Contacts to List", params=lists.ADD_CONTACTS, mutates=True,
        response='{"response": {"message": "(2) contacts imported successfully","success": "true"}}'),
    _op("import_broadcast_contacts_csv", "POST", lists.import_broadcast_contacts_csv,
        "Import contacts from a CSV file in the bucket", "Import Contacts via CSV File",
        params=lists.IMPORT_CONTACTS, mutates=True,
        response='{"response": {"message": "(2) contacts imported successfully","success": "true"}}'),
    _op("create_campaign_dnd_list", "POST", lists.create_campaign_dnd_list, "Create a DND list",
        "Create Campaign DND List", params=lists.CREATE_DND_LIST, mutates=True,
        response='{"response": {"dnd_list_id": "DNda1b361461","success": "true"}}',
        schema=schemas.envelope(dnd_list_id=schemas.TEXT)),
    _op("add_dnd_contact_to_list", "POST", lists.add_dnd_contact_to_list, "Add numbers to a DND list",
        "Add DND Contacts To List", params=lists.ADD_DND_CONTACTS, mutates=True,
        response='{"response": {"message": "(2) DND contacts imported successfully","success": "true"}}'),
    _op("import_dnd_contacts_csv", "POST", lists.import_dnd_contacts_csv,
        "Import DND numbers from a CSV file in the bucket", "Add DND Contacts to List via CSV File",
        params=lists.IMPORT_DND_CONTACTS, mutates=True,
        response='{"response": {"message": "(2) DND contacts imported successfully","success": "true"}}'),
    _op("create_campaign", "POST", campaign_ops.create_campaign, "Create a campaign over a list",
        "Create Campaign", params=campaign_ops.CREATE_CAMPAIGN, mutates=True,
        response='{"response": {"campaign_id": "CMcc0cb33a01","success": "true"}}',
        schema=schemas.envelope(campaign_id=schemas.TEXT)),
    _op("stop_campaign", "POST", campaign_ops.stop_campaign, "Stop a campaign", "Stop Campaign",
        params=campaign_ops.CAMPAIGN, paths=("/stop_campaign", API + "stop_campaign"), mutates=True,
        response='{"response": {"message": " campaign stopped successfully","success": "true"}}'),
    _op("get_campaign_details", "GET", campaign_ops.get_campaign_details, "The account's campaigns",
        "Get Campaign Details", style=views.COMPACT,
        response='{"response":{"message":"campaign found","result":[{"calls_per_minute":"10",'
                 '"campaign_caller_id":"15168148111","campaign_end_date":"Wed, 12 Jul 2023 20:00:00 GMT",'
                 '"campaign_id":"CMf32a68bc63","campaign_name":"test_broadcast_campaign_max",'
                 '"campaign_start_date":"Tue, 11 Jul 2023 09:00:00 GMT","campaign_status":"3","campaign_type":"0",'
                 '"max_retries":"1","repeat_announcement_count":"3","retry_time":"60"}],"success":"true"}}',
        schema=schemas.CAMPAIGNS),
    _op("get_cdr_by_date", "POST", reports.cdr_by_date, "CDRs of a range of days", "Get CDR By Date",
        params=reports.CDR_BY_DATE, style=views.COMPACT,
        schema=schemas.CDRS),
    _op("get_cdr_by_request_id", "POST", reports.cdr_by_request_id, "CDRs of a request",
        "Get CDR By Request ID", params=reports.CDR_BY_REQUEST_ID, style=views.COMPACT,
        response='{"response":{"message":"cdr found","result":[{"account_id":"ACvjfnvjnfs",'
                 '"agent_number":"91800068XXXX","answer":"Tue, 04 Jul 2023 05:31:42 GMT","billsec":8.55722,'
                 '"call_date":"Tue, 04 Jul 2023 05:31:51 GMT","call_direction":"outbound-api",'
                 '"call_duration":15.1364,"call_status":"ANSWERED","caller_id":"15168148111",'
                 '"customer_number":"91997927XXXX","destination_context":"click2call","dial_status":"ANSWER",'
                 '"dialed_number":"91997927XXXX","dtmf_inputs":"","end":"Tue, 04 Jul 2023 05:31:51 GMT",'
                 '"id":328,"recording_name":"","request_id":"91da7c083f","uniqueid":"1688448695.804"}],'
                 '"success":"true"}}',
        schema=schemas.CDRS),
    _op("get_cdr_by_campaign_id", "POST", reports.cdr_by_campaign_id, "CDRs of a campaign",
        "Get CDR By Campaign ID", params=campaign_ops.CAMPAIGN, style=views.COMPACT,
        schema=schemas.CAMPAIGN_CDRS),
    _op("get_cdr_statistics", "GET", reports.cdr_statistics, "The account's CDR counters",
        "Get CDR Statistics", style=views.COMPACT,
        schema=schemas.CDR_STATISTICS),
    _op("get_live_call_statistics", "GET", calls.live_call_statistics, "Calls in progress, by kind",
        "Get Live Calls Statistics", style=views.COMPACT,
        response='{"response":{"result":{"live_calls_c2c":0,"live_calls_campaign":0,"live_calls_inbound":0,'
                 '"live_calls_otp":0},"success":"true"}}',
        schema=schemas.LIVE_CALL_STATISTICS),
    _op("get_campaign_cdr_statistics", "POST", reports.campaign_cdr_statistics, "A campaign's CDR counters",
        "Get Campaign CDR Statistics", params=campaign_ops.CAMPAIGN, style=views.COMPACT,
        response='{"response":{"result":{"answer_calls":[5],"busy_calls":[0],"cancel_calls":[0],'
                 '"chanunavail_calls":[0],"congestion_calls":[0],"dnd_calls":[4],"noanswer_calls":[0],'
                 '"total_calls":[9]},"success":"true"}}',
        schema=schemas.CAMPAIGN_CDR_STATISTICS),
    _op("modify_call", "POST", calls.modify_call, "Transfer, hang up or record a live call",
        "Modify Live Call", params=calls.MODIFY_CALL, style=views.COMPACT, mutates=True,
        response='{"response":{"message":"blind transferred successfully","success":"true"}}'),
)
"""cpaas.txt's operations, in document order (Callback Request is three: POST, PATCH, DELETE)."""


class CpaasApi(VendorApi):
    vendor = VENDOR
    operations = OPERATIONS
    errors = e.ERRORS
    title = "Self-hosted CPaaS (click-to-call, callbacks, OTP, campaigns, CDRs)"
    doc = DOC
    body_types = (JSON_TYPE,)
    auth_schemes = {
        HEADER_ACCOUNT: {"type": "apiKey", "in": "header", "name": HEADER_ACCOUNT,
                         "description": "account_1 or account_2"},
        HEADER_AUTH: {"type": "apiKey", "in": "header", "name": HEADER_AUTH,
                      "description": "the account's auth (telemock serve prints the default tenant's)"},
    }
    auth_combined = True
    success_schema = views.ENVELOPE_SCHEMA
    error_schema = schemas.REFUSAL
    refusals = (e.page(415, e.NOT_JSON),)
    body_required = True

    def authenticate(self, ctx: Ctx) -> None:
        accounts.authenticate(ctx)

    def admit(self, ctx: Ctx) -> None:
        """The rate limit (off unless a tenant sets one), then, for an operation that reads a
        body, what Flask's ``request.get_json()`` refuses: another content type (415), a body
        that is not JSON (400), JSON that is not an object (400)."""
        check_rate_limit(ctx)
        op = ctx.op
        if op is None or not any(p.where == BODY for p in op.params):
            return
        ctype = ctx.header("content-type").split(";")[0].strip().lower()
        if not (ctype == JSON_TYPE or (ctype.startswith("application/") and ctype.endswith("+json"))):
            raise VendorError(e.page(415, e.NOT_JSON), "the body is not sent as application/json")
        if ctx.json is None:
            raise VendorError(e.page(400, _json_problem(ctx.body)), "the body is not JSON")
        if not isinstance(ctx.json, dict):
            raise VendorError(e.page(400), "the JSON body is not an object")

    def bad_body(self, ctx: Ctx, exc: BadBody) -> None:
        """Flask reads the body only when the view asks for it, after the headers: a body that
        is not JSON is refused in ``admit``, once the account is known."""
        ctx.json = None

    def render(self, ctx: Ctx, result: Any) -> Response:
        if isinstance(result, Response):  # an answer a run made itself (get_cdr_by_date's kept rows)
            return result
        style = ctx.op.options.get("style", views.COMPACT) if ctx.op is not None else views.COMPACT
        return views.success(result, style)

    def render_error(self, ctx: Ctx, error: Err, headers: Mapping[str, str]) -> Response:
        if error.code == e.WERKZEUG:
            return views.page(error.status, e.PAGE_TEXT[error.status][0], error.message, dict(headers))
        return views.failure(error.message, error.status, dict(headers) or None)

    def media_types(self, op: Operation) -> list[str]:
        return [JSON_TYPE]

    def error_contents(self, err: Err) -> Mapping[str, Mapping[str, Any]]:
        if err.code == e.WERKZEUG:
            return {views.HTML_TYPE: schemas.PAGE}
        return {JSON_TYPE: schemas.REFUSAL}


def _json_problem(body: bytes) -> str:
    """Werkzeug's words for a body ``json.loads`` refuses (nesting too deep to parse safely, or
    what Python's parser accepts and the kit does not, gets its generic 400 text)."""
    text = body.decode("utf-8", "replace")
    if json_too_deep(text):
        return e.PAGE_TEXT[400][1]
    try:
        json.loads(body)
    except ValueError as exc:
        return e.JSON_FAILED.format(error=exc)
    except RecursionError:
        return e.PAGE_TEXT[400][1]
    return e.PAGE_TEXT[400][1]


API_APP = CpaasApi()
