"""The two accounts of a CPaaS server, and how a request proves it is one of them.

cpaas.txt, "API Credentials": "you will have below two accounts already created", account_1
and account_2, each with an ``auth`` the document leaves as "contact me". A telemock tenant is
one such server: it holds both accounts, each with its own ``auth``, and every record, call and
CDR belongs to one account, which never sees the other's (docs/FIDELITY.md). The tenant's
credentials are ``{account name: auth}``; the default tenant's are fixed below (README), a
tenant made through the control plane gets random ones.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..dialect import errors as k
from ..dialect.errors import Err, Refusal, VendorError
from ..registry import random_secret
from . import errors as e

if TYPE_CHECKING:
    from ..core.world import Tenant
    from ..dialect.operation import Ctx

VENDOR = "cpaas"
ACCOUNTS = ("account_1", "account_2")
"""The document's two accounts, in its order; the first is the tenant's own (calls placed by
scenarios and the control plane belong to it)."""
DEFAULT_ACCOUNT = ACCOUNTS[0]
DEFAULT_AUTH = {"account_1": "d3f1c0a9b8e7d6c5b4a39281f7e6d5c4",
                "account_2": "7a1e5c9d3b2f4e6a8c0d1b3f5e7a9c2d"}
"""The default tenant's ``auth`` per account (the document's "contact me": our choice)."""
ACCOUNT_IDS = {"account_1": "ACvjfnvjnfs", "account_2": "ACqmhkzrtwd"}
"""The ``account_id`` of each account in CDRs and trunk channel names (account_1's is the one
the document's CDRs show)."""
AUTH_LENGTH = 32
HEADER_ACCOUNT, HEADER_AUTH = "account", "auth"


def new_credentials(tenant: "Tenant") -> dict[str, str]:
    """A tenant created through the control plane: a random ``auth`` for each account."""
    return {account: random_secret(AUTH_LENGTH) for account in ACCOUNTS}


def describe(credentials: dict[str, str]) -> str:
    """How the start-up banner shows them: the headers a client sends, per account."""
    return "; ".join(f"account: {account}, auth: {credentials[account]}"
                     for account in ACCOUNTS if account in credentials)


def authenticate(ctx: "Ctx") -> None:
    """The tenant whose account and auth were sent (``ctx.state["account"]`` names the account).

    The account is checked before the auth, as the real server words it ("account_id is
    mandatory field", "auth is mandatory field"); a wrong pair is one message for both, so it
    does not tell which accounts exist."""
    account = ctx.header(HEADER_ACCOUNT)
    if not account:
        raise Refusal(k.UNAUTHENTICATED, "no account header")
    auth = ctx.header(HEADER_AUTH)
    if not auth:
        raise VendorError(Err(401, e.MISSING_AUTH), "no auth header")
    tenant = ctx.registry.find(VENDOR, auth)
    if tenant is None or account not in ACCOUNTS or tenant.credentials.get(account) != auth:
        raise Refusal(k.BAD_CREDENTIAL, "account and auth match no account of any tenant")
    ctx.tenant = tenant
    ctx.state["account"] = account


def account_of(ctx: "Ctx") -> str:
    return str(ctx.state["account"])
