"""mycalls.txt's example answers of the app list and the call log, made JSON (the document prints
Python dicts): the OpenAPI document shows them and derives the response schemas from them
(``dialect.schemas``). The two operations whose answers telemock extends declare their schemas."""

from __future__ import annotations

from typing import Any

APP_LIST: dict[str, Any] = {  # topic 2.1 example
    "page": {"endIndex": 1,
             "last": "http://localhost/api/v1/app/list?apikey=89e801bcc21f430aa1ff6edb5421af31&pg=1",
             "first": "http://localhost/api/v1/app/list?apikey=89e801bcc21f430aa1ff6edb5421af31&pg=1",
             "startIndex": 1, "totalItems": 1,
             "cur": "http://localhost/api/v1/app/list?apikey=89e801bcc21f430aa1ff6edb5421af31",
             "totalPages": 1},
    "data": [{"guid": "4e11fe2082b044b4a3b55718c79c29d5", "number.virtual": "33047316",
              "number.physical": "33047316", "name": "test"}]}

_LOG = "http://mycalls.sukamapps.com/api/v1/app/1a11fe2082b044b4a3b55718c79c29d5/calls"
CALL_LOG: dict[str, Any] = {  # call log example
    "page": {"totalItems": 1, "last": _LOG + "?pg=1", "pageItems": 1, "pageNumber": 1, "cur": _LOG,
             "endIndex": 1, "startIndex": 1, "totalPages": 1, "first": _LOG + "?pg=1"},
    "data": [{
        "log": [{"desc": "TRANSFER SOON", "id": "TRANSFER_INIT"}],
        "hot": 0, "cli": "9716700271", "uid": "1498110438.13", "time": "2017-06-22T11:17:18+05:30",
        "active": False, "duration": "19",
        "transfer": [
            {"attemptId": "1498110438.13.2", "du": "3", "name": "Anil Gupta", "seq": "7",
             "time": "2017-06-22T11:17:36+05:30", "to": "971670XXXX", "group": "default",
             "disposition": "answered"},
            {"attemptId": "1498110438.13.1", "du": "0", "name": "Anil Gupta", "seq": "5",
             "time": "2017-06-22T11:17:20+05:30", "to": "971670XXXX", "group": "default",
             "disposition": "noanswer"}]}]}

_INT: dict[str, Any] = {"type": "integer"}
_STRING: dict[str, Any] = {"type": "string"}

AGENTS_SCHEMA: dict[str, Any] = {
    "type": "object", "required": ["maxPriority", "agents"], "additionalProperties": False,
    "properties": {"maxPriority": _INT, "agents": {"type": "array", "items": {
        "type": "object", "required": ["type", "number", "priority", "guid", "name"], "additionalProperties": False,
        "properties": {"type": {"type": "string", "enum": ["USER", "NUMBER"]}, "number": _STRING, "priority": _INT,
                       "guid": {"type": ["string", "null"]}, "name": _STRING}}}}}
"""The group-agents example's shape; an agent added by number is ``NUMBER`` with no user guid
(docs/FIDELITY.md, MyCalls)."""

ACCOUNT_LIST_SCHEMA: dict[str, Any] = {
    "type": "object", "required": ["page", "data"], "additionalProperties": False,
    "properties": {
        "page": {"type": "object", "additionalProperties": False,
                 "required": ["endIndex", "last", "first", "startIndex", "totalItems", "cur", "totalPages"],
                 "properties": {"endIndex": _INT, "last": _STRING, "first": _STRING, "startIndex": _INT,
                                "totalItems": _INT, "cur": _STRING, "totalPages": _INT}},
        "data": {"type": "array", "items": {"type": "object", "required": ["guid", "name"],
                                            "additionalProperties": False,
                                            "properties": {"guid": _STRING, "name": _STRING}}}}}
"""The subscriber list: no example in the document; the app list's page object (docs/FIDELITY.md)."""
