"""Vendor-neutral domain errors. Each vendor's ``errors.py`` maps them to its own strings."""

from __future__ import annotations


class CoreError(Exception):
    """A request the world refuses; nothing was changed."""

    code = "core_error"

    def __init__(self, message: str = "", **context: object) -> None:
        super().__init__(message or self.code)
        self.context = context


class NotFound(CoreError):
    code = "not_found"


class AgentNotFound(NotFound):
    code = "agent_not_found"


class QueueNotFound(NotFound):
    code = "queue_not_found"


class CallNotFound(NotFound):
    code = "call_not_found"


class ListNotFound(NotFound):
    """No contact or DND list with that id (``campaigns``)."""

    code = "list_not_found"


class CampaignNotFound(NotFound):
    code = "campaign_not_found"


class ScheduledCallNotFound(NotFound):
    code = "scheduled_call_not_found"


class AgentBusy(CoreError):
    code = "agent_busy"


class AgentOnCall(AgentBusy):
    """An action (e.g. queue logout) refused because the agent has a live call."""

    code = "agent_on_call"


class AgentUnavailable(CoreError):
    code = "agent_unavailable"


class IllegalTransition(CoreError):
    code = "illegal_transition"


class InvalidNumber(CoreError):
    code = "invalid_number"


class TenantFailed(Exception):
    """A timer of the tenant raised: its world may be half-changed, so its clock stands still
    (no timer runs) until a reset or a valid restore. Not a ``CoreError``: that is a refusal
    that changed nothing, this is a tenant that can no longer be trusted to move."""
