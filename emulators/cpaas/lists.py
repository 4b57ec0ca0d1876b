"""Contact lists and DND lists: create, add contacts, import a CSV file from the bucket
(cpaas.txt, Campaign Manager: Create Campaign List ... Add DND Contacts to List via CSV File).

A list belongs to the account that created it; its name is unique among the account's lists of
its kind. Adding contacts is all or nothing: one bad contact refuses the request and adds none.
A CSV import adds the file's good rows and counts only those (``bucket``)."""

from __future__ import annotations

import re
from typing import Any

from ..core import campaigns as cm
from ..dialect.operation import Ctx
from ..dialect.params import BODY, INVALID, MISSING, Conv, Param, ParamError
from . import errors as e
from .bucket import BucketError
from .bucket import contacts as csv_contacts
from .common import account, new_id, refuse, tenant
from .params import CSV_FILE, DND_LIST_ID, LIST_ID, NAME, NUMBER_RULE, contact_fields, field

MAX_CONTACTS = 100_000
"""Most contacts one request adds (a body of that many is about 10 MB)."""
_NUMBER = re.compile(NUMBER_RULE)
_NAME = re.compile(r"[^\x00-\x1f\x7f]{0,100}")
NUMBER_MISSING, NUMBER_INVALID, NAME_INVALID, FIELDS_INVALID = (
    "number_missing", "number_invalid", "name_invalid", "fields_invalid")
"""The rules a contact of an add request can break (each has its message)."""


def contacts_conv(prefix: str) -> Conv:
    """A JSON array of contacts: ``{<prefix>contact_name, <prefix>contact_number[,
    contact_fields]}`` -> [(number, name, fields)]."""
    number_key, name_key = f"{prefix}contact_number", f"{prefix}contact_name"

    def parse(raw: Any) -> list[tuple[str, str, dict[str, str]]]:
        if not isinstance(raw, list) or not raw or len(raw) > MAX_CONTACTS:
            raise ParamError(INVALID, f"not an array of 1 to {MAX_CONTACTS} contacts")
        out = []
        for item in raw:
            if not isinstance(item, dict):
                raise ParamError(INVALID, "a contact is not an object")
            number = item.get(number_key)
            if number is None or number == "":
                raise ParamError(NUMBER_MISSING, number_key)
            if isinstance(number, bool) or not isinstance(number, (str, int)) or not _NUMBER.fullmatch(str(number)):
                raise ParamError(NUMBER_INVALID, str(number)[:40])
            name = item.get(name_key, "")
            if name is None:
                name = ""
            if not isinstance(name, str) or not _NAME.fullmatch(name):
                raise ParamError(NAME_INVALID, name_key)
            try:
                fields = contact_fields(item.get("contact_fields")) if not prefix else {}
            except ParamError:
                raise ParamError(FIELDS_INVALID, "contact_fields") from None
            out.append((str(number), name, fields))
        return out
    item: dict[str, Any] = {"type": "object", "required": [number_key],
            "properties": {name_key: {"type": "string"}, number_key: {"type": "string"}}}
    if not prefix:
        item["properties"]["contact_fields"] = {"type": "object", "additionalProperties": {"type": "string"}}
    return Conv("contacts", parse, {"type": "array", "items": item, "minItems": 1, "maxItems": MAX_CONTACTS})


def contacts_param(name: str, prefix: str, label: str, example: list[dict[str, Any]]) -> Param:
    return Param(name, contacts_conv(prefix), where=BODY, required=True, example=example,
                 doc=f"Array of contacts ({prefix}contact_name, {prefix}contact_number"
                     + (", contact_fields)" if not prefix else ")"),
                 errors={MISSING: e.mandatory(name), INVALID: e.invalid(name),
                         NUMBER_MISSING: e.mandatory(f"{prefix}contact_number"),
                         NUMBER_INVALID: e.bad_request(e.INVALID_NUMBER.format(label=label)),
                         NAME_INVALID: e.invalid(f"{prefix}contact_name"),
                         FIELDS_INVALID: e.invalid("contact_fields")})


# -- operations -------------------------------------------------------------------------------
CREATE_LIST = (field("list_name", NAME, doc="A unique name for the list", example="my_campaign_list"),)
CREATE_DND_LIST = (field("dnd_list_name", NAME, doc="A unique name for the DND list", example="my_first_DND_list"),)
ADD_CONTACTS = (
    field("list_id", LIST_ID, doc="A contact list of the account", example="LSaa8f9db7e6"),
    contacts_param("contacts", "", "contact number",
                   [{"contact_name": "ankit", "contact_number": "919979275555",
                     "contact_fields": {"field1": "Ankit", "field2": "Jayswal", "field3": "500"}}]),
)
ADD_DND_CONTACTS = (
    field("dnd_list_id", DND_LIST_ID, doc="A DND list of the account", example="DN95716be314"),
    contacts_param("dnd_contacts", "dnd_", "dnd contact number",
                   [{"dnd_contact_name": "ankit", "dnd_contact_number": "919979275555"}]),
)
IMPORT_CONTACTS = (
    field("list_id", LIST_ID, doc="A contact list of the account", example="LS608c393614"),
    field("csv_name", CSV_FILE, doc="A CSV file in the bucket", example="contacts_dynamic_announcement.csv"),
)
IMPORT_DND_CONTACTS = (
    field("dnd_list_id", DND_LIST_ID, doc="A DND list of the account", example="DNd2b09f8f80"),
    field("dnd_csv_name", CSV_FILE, doc="A CSV file in the bucket", example="dnd_contacts.csv"),
)


def _create(ctx: Ctx, kind: str, prefix: str, family: str, name_field: str, id_field: str) -> dict[str, Any]:
    t, owner, name = tenant(ctx), account(ctx), ctx.params[name_field]
    if any(found.kind == kind and found.name == name for found in cm.lists(t).where(owner=owner)):
        refuse(e.bad_request(e.NAME_TAKEN.format(name=name_field)), f"{name_field} {name!r} is taken")
    list_id = new_id(t, prefix, family)
    cm.create_list(t, list_id, owner, name, kind)
    return {id_field: list_id}


def create_campaign_list(ctx: Ctx) -> dict[str, Any]:
    return _create(ctx, cm.CONTACTS, "LS", "list", "list_name", "list_id")


def create_campaign_dnd_list(ctx: Ctx) -> dict[str, Any]:
    return _create(ctx, cm.DND, "DN", "dnd_list", "dnd_list_name", "dnd_list_id")


def owned_list(ctx: Ctx, id_field: str, kind: str) -> cm.RecordList:
    found = cm.lists(tenant(ctx)).get(ctx.params[id_field])
    if found is None or found.owner != account(ctx) or found.kind != kind:
        refuse(e.not_found(e.INVALID.format(name=id_field)), f"no {kind} list {ctx.params[id_field]}")
    return found


def add_contact_to_list(ctx: Ctx) -> dict[str, Any]:
    target = owned_list(ctx, "list_id", cm.CONTACTS)
    count = cm.add_entries(tenant(ctx), target.id, ctx.params["contacts"])
    return {"message": e.CONTACTS_IMPORTED.format(count=count)}


def add_dnd_contact_to_list(ctx: Ctx) -> dict[str, Any]:
    target = owned_list(ctx, "dnd_list_id", cm.DND)
    count = cm.add_entries(tenant(ctx), target.id, ctx.params["dnd_contacts"])
    return {"message": e.DND_CONTACTS_IMPORTED.format(count=count)}


def _import(ctx: Ctx, target: cm.RecordList, file_field: str, prefix: str) -> int:
    try:
        found = csv_contacts(tenant(ctx), ctx.params[file_field], f"{prefix}contact_number",
                             f"{prefix}contact_name", NUMBER_RULE)
    except BucketError as exc:
        refuse(e.bad_file(file_field, str(exc), exc.missing), f"{file_field}: {exc}")
    rows = found.rows if not prefix else [(number, name, {}) for number, name, _ in found.rows]
    return cm.add_entries(tenant(ctx), target.id, rows)


def import_broadcast_contacts_csv(ctx: Ctx) -> dict[str, Any]:
    count = _import(ctx, owned_list(ctx, "list_id", cm.CONTACTS), "csv_name", "")
    return {"message": e.CONTACTS_IMPORTED.format(count=count)}


def import_dnd_contacts_csv(ctx: Ctx) -> dict[str, Any]:
    count = _import(ctx, owned_list(ctx, "dnd_list_id", cm.DND), "dnd_csv_name", "dnd_")
    return {"message": e.DND_CONTACTS_IMPORTED.format(count=count)}
