"""Reading ``contracts/<vendor>/``: ``_vendor.yaml`` (credentials, variables, transformers) and
one file per operation, every contract checked as it loads (unknown keys, missing fields, bad
matchers are the author's error, named with file and contract)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Mapping

import yaml

from .matchers import AllOf, Anything, Each, Example, Format, Keyed, Regex, Some, Sorted, TypeOf
from .model import ABSENT, Contract, Expect, Request, Step, Transformer, VendorContracts
from .templates import names_used

VENDOR_FILE = "_vendor.yaml"
CONTRACTS_ENV = "TELEMOCK_CONTRACTS"
"""Environment variable naming the contracts directory (else ./contracts, else the checkout's)."""

_FILE_KEYS = {"operation", "catalog", "listener", "doc", "definitions", "contracts"}
"""``definitions``: a place for YAML anchors (``&user_call``) the contracts reuse; read by nothing else."""
_CONTRACT_KEYS = {"name", "doc", "example", "state_changing", "emulator_only", "steps",
                  "request", "expect", "save", "breaks", "note"}
_STEP_KEYS = {"request", "expect", "save", "wait", "breaks", "note", "repeat"}
_REQUEST_KEYS = {"method", "path", "listener", "query", "headers", "form", "json", "body", "content_type"}
_EXPECT_KEYS = {"status", "content_type", "headers", "body", "text"}
_VENDOR_KEYS = {"vendor", "credentials", "vars", "transformers"}
_TRANSFORMER_KEYS = {"name", "keys", "regex", "object_keys"}


MAX_REPEAT = 1000


class ContractError(ValueError):
    """A contract file that cannot be used, with where and why."""


# -- YAML with matcher tags -------------------------------------------------------------------
class _Loader(yaml.SafeLoader):
    pass


def _scalar(make: Any) -> Any:
    def construct(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
        try:
            return make(loader.construct_scalar(node))  # type: ignore[arg-type]
        except (ValueError, TypeError) as exc:
            raise yaml.constructor.ConstructorError(None, None, str(exc), node.start_mark) from None
    return construct


def _untagged(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    """The value of a tagged node as if it carried no tag (``!example 15`` holds the int 15,
    ``!example "15"`` the string)."""
    if isinstance(node, yaml.MappingNode):
        plain: yaml.Node = yaml.MappingNode("tag:yaml.org,2002:map", node.value, node.start_mark, node.end_mark,
                                            node.flow_style)
    elif isinstance(node, yaml.SequenceNode):
        plain = yaml.SequenceNode("tag:yaml.org,2002:seq", node.value, node.start_mark, node.end_mark,
                                  node.flow_style)
    else:
        assert isinstance(node, yaml.ScalarNode)
        tag = (loader.resolve(yaml.ScalarNode, node.value, (True, False)) if not node.style
               else "tag:yaml.org,2002:str")
        plain = yaml.ScalarNode(tag, node.value, node.start_mark, node.end_mark, node.style)
    return loader.construct_object(plain, deep=True)


def _deep(make: Any) -> Any:
    def construct(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
        try:
            return make(_untagged(loader, node))
        except (ValueError, TypeError, KeyError) as exc:
            raise yaml.constructor.ConstructorError(None, None, f"{node.tag}: {exc}", node.start_mark) from None
    return construct


def _types(loader: yaml.SafeLoader, node: yaml.Node) -> TypeOf:
    value = _untagged(loader, node)
    try:
        return TypeOf(tuple(value) if isinstance(value, list) else (str(value),))
    except ValueError as exc:
        raise yaml.constructor.ConstructorError(None, None, str(exc), node.start_mark) from None


def _keyed(value: Any) -> Keyed:
    if not isinstance(value, dict) or set(value) != {"key", "value"}:
        raise ValueError("wants a mapping with exactly 'key' (a pattern) and 'value'")
    return Keyed(str(value["key"]), value["value"])


_Loader.add_constructor("!re", _scalar(Regex))
_Loader.add_constructor("!format", _scalar(Format))
_Loader.add_constructor("!any", lambda loader, node: Anything())
_Loader.add_constructor("!type", _types)
_Loader.add_constructor("!example", _deep(Example))
def _each(minimum: int) -> Any:
    """``!each {...}``, or ``!each [m]``: a one-item sequence holds the item's expectation, so
    that a tag can sit on it (``!each [!type string]``: YAML allows one tag per node)."""
    def make(item: Any) -> Each:
        return Each(item[0] if isinstance(item, list) and len(item) == 1 else item, minimum)
    return make


_Loader.add_constructor("!each", _deep(_each(1)))
_Loader.add_constructor("!each_or_empty", _deep(_each(0)))
_Loader.add_constructor("!keyed", _deep(_keyed))
_Loader.add_constructor("!some", _deep(Some))
_Loader.add_constructor("!descending", _scalar(lambda pointer: Sorted(_pointer(pointer), True)))
_Loader.add_constructor("!ascending", _scalar(lambda pointer: Sorted(_pointer(pointer), False)))
_Loader.add_constructor("!all", _deep(lambda parts: AllOf(tuple(parts)) if isinstance(parts, list) else _no_list()))


def _pointer(text: str) -> str:
    if text and not text.startswith("/"):
        raise ValueError(f"{text!r} is no JSON pointer (/call_start_at)")
    return text


def _no_list() -> AllOf:
    raise ValueError("!all wants a list of expectations")


def read_yaml(path: Path) -> Any:
    try:
        with open(path, encoding="utf-8") as fh:
            return yaml.load(fh, Loader=_Loader)  # noqa: S506 (a SafeLoader with matcher tags)
    except yaml.YAMLError as exc:
        raise ContractError(f"{path}: not valid contract YAML: {' '.join(str(exc).split())}") from None
    except OSError as exc:
        raise ContractError(f"{path}: {exc.strerror or exc}") from None


# -- where the contracts are -------------------------------------------------------------------
def contracts_root(explicit: str | None = None) -> Path:
    """``--contracts DIR``, else ``$TELEMOCK_CONTRACTS``, else ``./contracts``, else the
    checkout's ``contracts/`` (an editable install)."""
    for candidate in (explicit, os.environ.get(CONTRACTS_ENV)):
        if candidate:
            return Path(candidate)
    here = Path("contracts")
    if here.is_dir() and any(p.is_dir() and (p / VENDOR_FILE).exists() for p in here.iterdir()):
        return here
    return Path(__file__).resolve().parents[2] / "contracts"


def vendors_with_contracts(root: Path) -> list[str]:
    if not root.is_dir():
        return []
    return sorted(p.name for p in root.iterdir() if (p / VENDOR_FILE).is_file())


def load_vendor(root: Path, vendor: str) -> VendorContracts:
    directory = root / vendor
    settings_file = directory / VENDOR_FILE
    if not settings_file.is_file():
        raise ContractError(f"{directory}: no contracts for vendor {vendor!r} (no {VENDOR_FILE})")
    settings = _mapping(read_yaml(settings_file), str(settings_file), _VENDOR_KEYS)
    if settings.get("vendor", vendor) != vendor:
        raise ContractError(f"{settings_file}: vendor is {settings['vendor']!r}, the folder says {vendor!r}")
    contracts: list[Contract] = []
    for path in sorted(directory.glob("*.yaml")):
        if not path.name.startswith("_"):
            contracts += _file(path, vendor)
    seen: set[str] = set()
    credentials = tuple(str(n) for n in settings.get("credentials") or ())
    variables = dict(settings.get("vars") or {})
    for c in contracts:
        if c.id in seen:
            raise ContractError(f"{c.file}: contract {c.name!r} is named twice")
        seen.add(c.id)
        _check_templates(c, set(credentials), set(variables))
    return VendorContracts(
        vendor=vendor,
        credentials=credentials,
        vars=variables,
        transformers=tuple(_transformer(t, str(settings_file)) for t in settings.get("transformers") or ()),
        contracts=tuple(contracts),
        directory=directory)


def _check_templates(contract: Contract, credentials: set[str], variables: set[str]) -> None:
    """Every ``${...}`` names something: a declared credential or variable, or a value an
    earlier step saves (a typo is the author's error at load time, not a failed run)."""
    saved: set[str] = set()
    for i, step in enumerate(contract.steps, 1):
        trees: list[Any] = []
        if step.request is not None:
            r = step.request
            trees += [r.path, dict(r.query), dict(r.headers), dict(r.form or {}), r.json, r.body]
        if step.expect is not None:
            e = step.expect
            trees += [e.content_type, dict(e.headers), e.body, e.text]
        for namespace, known in (("credentials", credentials), ("vars", variables), ("saved", saved)):
            unknown = set().union(*(names_used(t, namespace) for t in trees)) - known
            if unknown:
                where = "an earlier step's save" if namespace == "saved" else f"_vendor.yaml's {namespace}"
                raise ContractError(f"{contract.file}: contract {contract.name!r}, step {i}: "
                                    f"${{{namespace}.{sorted(unknown)[0]}}} is not in {where}")
        saved |= set(step.save)


# -- one file ------------------------------------------------------------------------------------
def _file(path: Path, vendor: str) -> list[Contract]:
    where = str(path)
    data = _mapping(read_yaml(path), where, _FILE_KEYS)
    for key in ("operation", "catalog", "contracts"):
        if key not in data:
            raise ContractError(f"{where}: missing {key!r}")
    if not isinstance(data["contracts"], list) or not data["contracts"]:
        raise ContractError(f"{where}: 'contracts' must be a non-empty list")
    return [_contract(item, data, path, vendor) for item in data["contracts"]]


def _contract(item: Any, file_data: Mapping[str, Any], path: Path, vendor: str) -> Contract:
    where = str(path)
    raw = _mapping(item, where, _CONTRACT_KEYS)
    name = raw.get("name")
    if not isinstance(name, str) or not name:
        raise ContractError(f"{where}: every contract needs a name")
    where = f"{path}: contract {name!r}"
    if not isinstance(raw.get("state_changing"), bool):
        raise ContractError(f"{where}: say whether it changes the vendor's state (state_changing: true|false)")
    if "steps" in raw:
        if any(k in raw for k in ("request", "expect", "save", "breaks")):
            raise ContractError(f"{where}: give either steps or one request/expect, not both")
        if not isinstance(raw["steps"], list) or not raw["steps"]:
            raise ContractError(f"{where}: 'steps' must be a non-empty list")
        steps = tuple(_step(s, f"{where}, step {i + 1}", file_data) for i, s in enumerate(raw["steps"]))
    else:
        one = {k: raw[k] for k in ("request", "expect", "save", "breaks", "note") if k in raw}
        steps = (_step(one, where, file_data),)
    if not any(s.request is not None for s in steps):
        raise ContractError(f"{where}: no request")
    return Contract(
        id=f"{path.stem}/{name}", vendor=vendor, operation=str(file_data["operation"]),
        catalog=str(file_data["catalog"]), name=name, doc=str(raw.get("doc") or file_data.get("doc") or ""),
        state_changing=raw["state_changing"], steps=steps,
        example=None if raw.get("example") is None else str(raw["example"]),
        emulator_only=raw.get("emulator_only"), file=str(path))


def _step(item: Any, where: str, file_data: Mapping[str, Any]) -> Step:
    raw = _mapping(item, where, _STEP_KEYS)
    if "wait" in raw:
        if set(raw) - {"wait", "note"}:
            raise ContractError(f"{where}: a wait step does nothing else")
        seconds = raw["wait"]
        if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or not 0 < seconds <= 3600:
            raise ContractError(f"{where}: wait wants seconds, 0 to 3600")
        return Step(wait=float(seconds), note=str(raw.get("note", "")))
    if "request" not in raw or "expect" not in raw:
        raise ContractError(f"{where}: a step needs a request and what to expect")
    save = raw.get("save") or {}
    if not isinstance(save, dict) or not all(isinstance(v, str) and (v == "" or v.startswith("/"))
                                             for v in save.values()):
        raise ContractError(f"{where}: save maps names to JSON pointers (/data/0/uid)")
    breaks = raw.get("breaks")
    repeat = raw.get("repeat", 1)
    if isinstance(repeat, bool) or not isinstance(repeat, int) or not 1 <= repeat <= MAX_REPEAT:
        raise ContractError(f"{where}: repeat wants a count, 1 to {MAX_REPEAT}")
    return Step(request=_request(raw["request"], where, file_data), expect=_expect(raw["expect"], where),
                save=dict(save), breaks=None if breaks is None else str(breaks), note=str(raw.get("note", "")),
                repeat=repeat)


def _request(item: Any, where: str, file_data: Mapping[str, Any]) -> Request:
    raw = _mapping(item, f"{where}, request", _REQUEST_KEYS)
    if not isinstance(raw.get("method"), str) or not isinstance(raw.get("path"), str):
        raise ContractError(f"{where}: a request needs a method and a path")
    if not raw["path"].startswith("/") or "?" in raw["path"]:
        raise ContractError(f"{where}: the path starts with / and carries no query (use query:)")
    bodies = [k for k in ("form", "json", "body") if k in raw]
    if len(bodies) > 1:
        raise ContractError(f"{where}: one body: form, json or body")
    for key in ("query", "headers", "form"):
        if key in raw and not isinstance(raw[key], dict):
            raise ContractError(f"{where}: {key} must be a mapping")
    return Request(method=raw["method"].upper(), path=raw["path"],
                   listener=raw.get("listener") or file_data.get("listener"),
                   query=_texts(raw.get("query") or {}), headers=_texts(raw.get("headers") or {}),
                   form=_texts(raw["form"]) if "form" in raw else None, json=raw.get("json", ABSENT),
                   body=raw.get("body"), content_type=raw.get("content_type"))


def _texts(mapping: Mapping[str, Any]) -> dict[str, Any]:
    """Query, header and form values are text on the wire: YAML's ``3000`` is ``"3000"``
    (lists, for repeated names, are kept as lists of text)."""
    return {str(k): [_text(x) for x in v] if isinstance(v, list) else _text(v) for k, v in mapping.items()}


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def _expect(item: Any, where: str) -> Expect:
    raw = _mapping(item, f"{where}, expect", _EXPECT_KEYS)
    status = raw.get("status")
    if status is not None and (isinstance(status, bool) or not isinstance(status, int)):
        raise ContractError(f"{where}: status is a number")
    if "body" in raw and "text" in raw:
        raise ContractError(f"{where}: expect a JSON body or a text, not both")
    return Expect(status=status, content_type=raw.get("content_type"), headers=dict(raw.get("headers") or {}),
                  body=raw.get("body", ABSENT), text=raw.get("text"))


def _transformer(item: Any, where: str) -> Transformer:
    raw = _mapping(item, f"{where}, transformers", _TRANSFORMER_KEYS)
    ways = [k for k in ("keys", "regex", "object_keys") if k in raw]
    if not isinstance(raw.get("name"), str) or len(ways) != 1:
        raise ContractError(f"{where}: a transformer has a name and one of keys, regex, object_keys")
    keys = raw.get("keys") or ()
    return Transformer(name=raw["name"], keys=tuple([keys] if isinstance(keys, str) else keys),
                       regex=raw.get("regex"), object_keys=raw.get("object_keys"))


def _mapping(value: Any, where: str, allowed: set[str]) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ContractError(f"{where}: expected a mapping")
    unknown = sorted(set(value) - allowed)
    if unknown:
        raise ContractError(f"{where}: unknown key(s) {', '.join(map(str, unknown))}; "
                            f"known: {', '.join(sorted(allowed))}")
    return value
