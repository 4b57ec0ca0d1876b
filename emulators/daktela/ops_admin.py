"""Administration actions: queues, users, pauses and devices (CreateQueue, GetQueues,
CreateUser, UpdateUser, DeleteUser, GetUser, GetUsers, CreatePause, GetPauses, DeviceStates,
GetExtensionUsers). daktela.txt, sections Queues, Operators, Pauses and Extensions."""

from __future__ import annotations

from typing import Any

from ..core import engine
from ..core.agents import OFFLINE, ON_CALL, RINGING, Agent
from ..core.calls import HELD, LEG_ANSWERED, LEG_RINGING
from ..core.queues import Queue
from ..core.world import Tenant
from ..dialect.operation import Ctx
from ..dialect.params import INVALID, MISSING, Param, ParamError, choice, php_int, text
from . import errors as e
from . import model, views
from .common import FLAG, ID, NAME, NUMBER, Spec, fail, record_id, tenant, user
from .model import Pause
from .render import keyed
from .seed import PROFILE, ROLE, configure_queue

API_USER = "admin"
"""The login of the user the access token belongs to (GetQueues shows their membership)."""
CALLBACK_KEYS = ("callback_callstart", "callback_callanswer", "callback_callend")
URL = text(max_len=2048, pattern=r"(|https?://[^\s]*)")


def api_user(t: Tenant) -> Agent | None:
    return model.user_by_login(t, API_USER)


# -- queues -------------------------------------------------------------------------------------
def new_options(qtype: str, wrapup: str, cid: str) -> dict[str, Any]:
    """The options of a queue made through the API (the keys GetQueues shows, with the
    routing ones)."""
    return {"type": qtype, "ring_strategy": "leastrecent", "ringtime": "20", "retrytime": "5",
            "wrapuptime": wrapup, "lajdaktime": "", "qa_form": "", "missed": "", "maxwait": "", "maxlength": "",
            "threshold_time": "", "threshold_users": "", "threshold_calls": "", "callback_callstart": "http://",
            "callback_callanswer": "http://", "callback_callend": "http://", "outboundcid": cid,
            "allowed_time": ""}


def create_queue(ctx: Ctx) -> None:
    """Upsert by id (when given) or by number; everything is checked before anything changes."""
    t, p = tenant(ctx), ctx.params
    qid = record_id(ctx)
    number, direction = str(p["number"]), str(p["direction"])
    if qid is not None:
        queue = t.queues.get(str(qid))
        if queue is None or model.queue_deleted(queue):
            raise fail(e.QUEUE_NOT_FOUND, f"no queue id {qid}")
    else:
        queue = model.queue_by_number(t, number)
    clash = model.queue_by_number(t, number)
    if clash is not None and clash is not queue:
        raise ParamError(INVALID, f"queue number {number} is queue {clash.id}'s", Param("number"))
    outbounder = p["outbounder"]
    if outbounder and direction != "out":
        raise ParamError(INVALID, "an outbounder queue is outgoing", Param("outbounder"))
    if queue is None:
        ids = [int(q) for q in t.queues if q.isascii() and q.isdigit()]
        qtype = "outbounder" if outbounder else direction
        queue = Queue(id=str(max(ids, default=0) + 1), number=number, name=str(p["title"]))
        queue.extra = {"description": "", "type": qtype, "direction": direction, "outboundcid": "",
                       "wrapuptime": "0", "outbounder": "1" if outbounder else "0", "form": "0", "missed": None,
                       "options": new_options(qtype, "", ""), "deleted": "0", "priorities": {}}
        t.queues[queue.id] = queue
    extra = queue.extra
    queue.number, queue.name = number, str(p["title"])
    extra["direction"] = direction
    if outbounder is not None:
        extra["outbounder"] = "1" if outbounder else "0"
        extra["type"] = "outbounder" if outbounder else direction
    elif extra.get("type") in ("in", "out"):
        extra["type"] = direction
    options = dict(model.options(queue))  # a new dict: a copied world shares its seed's (template.py)
    for key, field in (("outboundcid", "outboundcid"), ("description", "description")):
        if p[key] is not None:
            extra[field] = str(p[key])
            if key == "outboundcid" and "outboundcid" in options:
                options["outboundcid"] = str(p[key])
    if p["wrapuptime"] is not None:
        extra["wrapuptime"] = str(p["wrapuptime"])
        if "wrapuptime" in options:
            options["wrapuptime"] = str(p["wrapuptime"])
    for key in CALLBACK_KEYS:
        if p[key] is not None:
            options[key] = str(p[key])
    extra["options"] = options
    configure_queue(queue)


def get_queues(ctx: Ctx) -> Any:
    t = tenant(ctx)
    viewer = api_user(t)
    qid = record_id(ctx)
    if qid is not None:
        queue = t.queues.get(str(qid))
        if queue is None:
            raise fail(e.QUEUE_NOT_FOUND, f"no queue id {qid}")
        return views.queue(t, queue, viewer)
    return keyed({q.id: views.queue(t, q, viewer) for q in t.queues.values() if not model.queue_deleted(q)})


# -- users --------------------------------------------------------------------------------------
def create_user(ctx: Ctx) -> dict[str, Any]:
    t, p = tenant(ctx), ctx.params
    login = str(p["name"])
    if model.user_by_login(t, login) is not None:
        raise fail(e.USER_EXISTS, f"user {login!r} exists")
    agent = Agent(id=model.next_user_id(t), name=str(p["title"]), extension="", username=login,
                  logged_in=False, state=OFFLINE)
    agent.extra = {"role": str(p["role"]), "profile": str(p["profile"]), "description": str(p["description"] or ""),
                   "password": str(p["password"]), "email": str(p["email"] or ""), "deleted": "0", "bound": ""}
    t.agents[agent.id] = agent
    return views.written_user(agent)


def update_user(ctx: Ctx) -> dict[str, Any]:
    t, p = tenant(ctx), ctx.params
    agent = user(t, str(p["name"]))
    if p["title"] is not None:
        agent.name = str(p["title"])
    for key in ("role", "profile", "description", "password", "email"):
        if p[key] is not None:
            agent.extra[key] = str(p[key])
    return views.written_user(agent)


def delete_user(ctx: Ctx) -> None:
    """The user is marked deleted (GetUsers no longer lists them), after leaving every queue
    and the call centre; refused while they have a call."""
    t = tenant(ctx)
    uid = record_id(ctx)
    if uid is None:
        raise ParamError(MISSING, "", Param("id"))
    agent = t.agents.get(str(uid))
    if agent is None or model.deleted(agent):
        raise fail(e.USER_NOT_FOUND, f"no user id {uid}")
    if agent.call_id is not None:
        raise fail(e.AGENT_BUSY, f"user {uid} has a call")
    for queue, _member in list(model.logged_queues(t, agent)):
        engine.queue_logout(t, agent.id, queue.id)
    engine.unpause(t, agent.id)
    engine.logout(t, agent.id)
    agent.extra["deleted"] = "1"


def get_user(ctx: Ctx) -> str:
    """The doc's only success answer is an empty string (catalog open question 13)."""
    return ""


def get_users(ctx: Ctx) -> Any:
    t = tenant(ctx)
    uid = record_id(ctx)
    if uid is not None:
        agent = t.agents.get(str(uid))
        if agent is None or model.deleted(agent):
            raise fail(e.USER_NOT_FOUND, f"no user id {uid}")
        return views.user(agent)
    extension = ctx.params["extension"]
    chosen = [a for a in model.users(t) if extension is None or extension in (a.extension, model.bound_extension(a))]
    return keyed({a.id: views.user(a) for a in chosen})


USER_FIELDS = (Param("role", NAME, required=True, doc="Unique role id", example=ROLE),
               Param("profile", NAME, required=True, doc="Unique profile id", example=PROFILE),
               Param("name", NAME, required=True, doc="User's login", example="operator1"),
               Param("title", NAME, required=True, doc="User's name", example="Pepa Novák"),
               Param("password", NAME, required=True, doc="User's password", example="tajneheslo"),
               Param("description", NAME, doc="User's description"),
               Param("email", NAME, doc="User's email"))


# -- pauses -------------------------------------------------------------------------------------
PAUSE_TYPES = {"wrap": "wrap", "lajdak": "lajdak", "normal": ""}


def create_pause(ctx: Ctx) -> None:
    """Create a pause, or edit the one ``id`` names. The doc's examples send ``name`` and
    ``billable`` for ``title`` and ``paid``: both spellings are read."""
    t, p = tenant(ctx), ctx.params
    title = p["title"] if p["title"] is not None else p["name"]
    paid = p["paid"] if p["paid"] is not None else p["billable"]
    if title is None:
        raise ParamError(MISSING, "", Param("title"))
    if p["type"] is None:
        raise ParamError(MISSING, "", Param("type"))
    if paid is None:
        raise ParamError(MISSING, "", Param("paid"))
    pid = record_id(ctx)
    pauses = model.pauses(t)
    now = t.now()
    if pid is not None:
        existing = pauses.get(pid)
        if existing is None:
            raise fail(e.PAUSE_NOT_FOUND, f"no pause {pid}")
        existing.title, existing.type, existing.paid = str(title), PAUSE_TYPES[p["type"]], "1" if paid == "yes" else "0"
        if p["code"] is not None:
            existing.code = str(p["code"])
        existing.modified = now
        return
    pauses.add(Pause(str(pauses.next_id()), str(p["code"] or ""), str(title), PAUSE_TYPES[p["type"]],
                     "1" if paid == "yes" else "0", "0", now, now))


def get_pauses(ctx: Ctx) -> Any:
    return _pauses(ctx, lambda t, p: views.pause(p))


def get_pauses_legacy(ctx: Ctx) -> Any:
    return _pauses(ctx, views.pause_legacy)


def _pauses(ctx: Ctx, row: Any) -> Any:
    """Every pause, deleted ones too, keyed by id (also when one id is asked for)."""
    t = tenant(ctx)
    pid = record_id(ctx)
    if pid is not None:
        pause = model.pauses(t).get(pid)
        if pause is None:
            raise fail(e.PAUSE_NOT_FOUND, f"no pause {pid}")
        return {pause.id: row(t, pause)}
    return keyed({p.id: row(t, p) for p in model.pauses(t)})


YES_NO = choice(("yes", "no"), fold_case=True)


# -- devices ------------------------------------------------------------------------------------
def device_status(t: Tenant, exten: str, ip: str) -> str:
    """AVAILABLE, UNAVAILABLE, ONHOLD, INUSE or RINGING, from the phone's live state."""
    if ip == "-none-":
        return "UNAVAILABLE"
    agent = model.user_at(t, exten)
    if agent is not None:
        if agent.behaviour.fault == "unreachable":
            return "UNAVAILABLE"
        if agent.state == RINGING:
            return "RINGING"
        if agent.state == ON_CALL:
            call = t.calls.get(agent.call_id or "")
            return "ONHOLD" if call is not None and call.state == HELD else "INUSE"
        return "AVAILABLE"
    for call in model.live_calls(t):
        for leg in call.legs:
            if leg.party == exten and leg.agent_id is None:
                if leg.state == LEG_RINGING:
                    return "RINGING"
                if leg.state == LEG_ANSWERED:
                    return "ONHOLD" if call.state == HELD else "INUSE"
    return "AVAILABLE"


def device_states(ctx: Ctx) -> list[dict[str, str]]:
    t = tenant(ctx)
    return [{"exten": d.exten, "status": device_status(t, d.exten, d.ip), "ip": d.ip, "port": d.port}
            for d in model.extensions(t)]


def extension_users(ctx: Ctx) -> dict[str, Any]:
    t = tenant(ctx)
    extension = str(ctx.params["extension"])
    if extension not in model.extensions(t) and model.user_at(t, extension) is None:
        raise fail(e.EXTENSION_NOT_FOUND, f"no extension {extension!r}")
    chosen = [a for a in model.users(t) if extension in (a.extension, model.bound_extension(a))]
    return {"data": [views.user(a, password=False) for a in chosen]}


def _id_param(doc: str) -> Param:
    return Param("id", ID, doc=doc)


SPECS: dict[str, Spec] = {
    "daktela.CreateQueue": Spec(create_queue, (
        Param("number", NUMBER, required=True, doc="Queue number", example="12345678"),
        Param("title", NAME, required=True, doc="Queue name", example="Support"),
        Param("direction", choice(("in", "out")), required=True, doc="Direction - in, out", example="out"),
        _id_param("Queue ID"), Param("outboundcid", NUMBER, doc="Outbound CallerID"),
        Param("description", NAME, doc="Description"),
        Param("wrapuptime", php_int(0, 86400), doc="Wrapup time (seconds)"),
        Param("outbounder", FLAG, doc="Set boolen value, when queue is type of outbounder", example="true"),
        *(Param(key, URL, doc=f"URL requested at {key[9:]} (telemock: queue options, GetQueues)")
          for key in CALLBACK_KEYS)), mutates=True),
    "daktela.GetQueues": Spec(get_queues, (_id_param("Return informations for this ID queue"),), cached=True),
    "daktela.CreateUser": Spec(create_user, USER_FIELDS, mutates=True),
    "daktela.UpdateUser": Spec(update_user, (
        Param("name", NAME, required=True, doc="User's login", example="operator1"),
        Param("role", NAME, doc="User's unique role"), Param("profile", NAME, doc="Unique profile id"),
        Param("title", NAME, doc="User's name"), Param("description", NAME, doc="User's description"),
        Param("password", NAME, doc="User's password"), Param("email", NAME, doc="User's email")), mutates=True),
    "daktela.DeleteUser": Spec(delete_user, (_id_param("Delete this user ID"),), mutates=True),
    "daktela.GetUser": Spec(get_user),
    "daktela.GetUsers": Spec(get_users, (
        _id_param("Return informations for this ID user"),
        Param("extension", NUMBER, doc="Return informations for user which has extension number.")), cached=True),
    "daktela.CreatePause": Spec(create_pause, (
        Param("title", NAME, doc="Name of a pause."),
        Param("name", NAME, doc="Name of a pause (the examples' spelling)"),
        Param("type", choice(tuple(PAUSE_TYPES)), doc="wrap, lajdak or normal", example="normal"),
        Param("paid", YES_NO, doc="Whether the pause is paid(yes) or not(no)."),
        Param("billable", YES_NO, doc="paid, as the examples spell it"),
        _id_param("ID of a pause you got via GetPauses"), Param("code", NAME, doc="Special code of a pause.")),
        mutates=True),
    "daktela.GetPauses.v3_3": Spec(get_pauses, (_id_param("ID pause"),)),
    "daktela.GetPauses.v3_0": Spec(get_pauses_legacy, (_id_param("ID pause"),)),
    "daktela.DeviceStates": Spec(device_states),
    "daktela.GetExtensionUsers": Spec(extension_users, (
        Param("extension", NUMBER, required=True, doc="The extension name.", example="100"),), raw_utf8=True),
}
