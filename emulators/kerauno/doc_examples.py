"""kerauno.txt's example answers of Reporting and Agent Statuses, as JSON (the OpenAPI document
shows them, and derives the response schemas from them: ``dialect.schemas``). The seed builds the
same rows from core objects (seed.py); tests/contract_checks/test_openapi.py holds the emulator's
answers to the documented requests to these bodies."""

from __future__ import annotations

from typing import Any

CDR: dict[str, Any] = {"cdr_0": {  # lines 89-111
    "date_time": "2014-09-09 11:10:33", "hostname": "test.axiatp.net", "server_name": "test.axiatp.net",
    "server_ip": "141.101.124.203", "unique_id": "1410275433.3986", "call_type": "Internal", "to": "2002",
    "source_num": "2002", "source_name": "John Smith", "dest_num": "3000", "dest_name": "Jane Doe",
    "trunk_name": "Internal", "duration": "8"}}

RING_GROUPS: dict[str, Any] = {"cdr_0": {  # lines 113-141
    "date_time": "2014-09-09 11:14:48", "hostname": "test.axiatp.net", "server_name": "test.axiatp.net",
    "server_ip": "141.101.124.203", "unique_id": "1410275688.4013", "call_type": "Ring Groups",
    "to": "+19999999999", "source_num": "2002", "source_name": "John Smith", "dest_num": "4000",
    "dest_name": "Ring Group", "trunk_name": "Internal", "duration": "6", "ring_group_num": "4000",
    "ring_group_name": "Test", "ans_agent_num": "3000", "ans_agent_name": "Jane Doe", "hold_time": "4",
    "release_reason": "caller"}}

AGENT_STATUSES: dict[str, Any] = {  # lines 168-197
    "1133": {"extension": "1133", "status": "Available", "available": False, "busy": True,
             "username": "test@test.com"},
    "3924": {"extension": "3924", "status": "Ring Group - Available", "available": True, "busy": False,
             "username": "test2@test.com"},
    "4433": {"extension": "4433", "status": "Ring Group - Paused", "available": False, "busy": True,
             "username": "test3@test.com"}}

REPORTING_EXAMPLES = ({"response": CDR, "summary": "type=cdr"},
                      {"response": RING_GROUPS, "summary": "type=ring_groups"})
AGENT_STATUSES_EXAMPLES = ({"response": AGENT_STATUSES, "summary": "ring group 4000"},)
