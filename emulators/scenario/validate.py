"""JSON Schema errors, translated into messages a person understands, each at its file position.

jsonschema reports ``{'holdx': {}} is not valid under any of the given schemas``; a person wants
``timeline[3]: unknown step 'holdx' (did you mean hold?)`` at the line of ``holdx``.
"""

from __future__ import annotations

import difflib
from typing import Any, Iterable, Mapping

import jsonschema
from jsonschema.exceptions import ValidationError, best_match

from .actions import ACTIONS, CONTROL_STEPS, RESERVED
from .durations import parse_duration
from .model import Problem
from .schema import RESERVED_GENERATORS, SCHEMA
from .schemabits import DEFS
from .yamlpos import Path, Positions

_ANY_OF = jsonschema.Draft202012Validator.VALIDATORS["anyOf"]


def _any_of(validator: Any, any_of: Any, instance: Any, schema: Any) -> Iterable[ValidationError]:
    """``anyOf``, and for a duration its length too: a pattern cannot bound a sum like
    ``99999999999999999999h``, and a duration past the clock's bound must fail here, not
    when the runner meets it."""
    errors = list(_ANY_OF(validator, any_of, instance, schema))
    yield from errors
    if not errors and schema is DEFS["duration"]:
        try:
            parse_duration(instance)
        except ValueError as exc:
            yield ValidationError(str(exc))


VALIDATOR = jsonschema.validators.extend(jsonschema.Draft202012Validator, {"anyOf": _any_of})(SCHEMA)
STEP_NAMES = [*ACTIONS, *CONTROL_STEPS]
STEP_KEYS = {"at", "after", "optional", "note"}


def render_path(path: Iterable[str | int]) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "the scenario"


def _suggest(word: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"; did you mean {close[0]}?" if close else ""


def _listing(names: Iterable[str], conj: str = "or") -> str:
    names = list(names)
    return ", ".join(names[:-1]) + f" {conj} {names[-1]}" if len(names) > 1 else "".join(names)


def _is_step_path(path: Path) -> bool:
    return len(path) == 2 and path[0] == "timeline" and isinstance(path[1], int)


def _named_def(schema: Any) -> str | None:
    for name, value in DEFS.items():
        if schema is value or schema == value:
            return name
    return None


def _step_action_problem(path: Path, instance: dict[str, Any]) -> tuple[Path, bool, str]:
    actions = [k for k in instance if k in STEP_NAMES]
    where = render_path(path)
    if not actions:
        return path, False, (f"{where}: a step needs one action ({_listing(STEP_NAMES[:6])}, ...); "
                             f"see `telemock scenario schema`")
    return path + (actions[1],), True, (f"{where}: one action per step, found {_listing(actions, 'and')}; "
                                        f"split them into separate steps")


def _unknown_key(err: ValidationError, path: Path, where: str, inst: dict[str, Any]) -> tuple[Path, bool, str]:
    """A key the schema does not know: a reserved or unknown step, generator or key."""
    known = list(err.schema.get("properties", {})) if isinstance(err.schema, Mapping) else []
    key = next(k for k in inst if k not in known)
    if _is_step_path(path) and key in RESERVED:
        return path + (key,), True, (f"{where}: step '{key}' is reserved for {RESERVED[key]}, "
                                     "which telemock cannot run yet")
    if len(path) == 2 and path[0] == "generate" and key in RESERVED_GENERATORS:
        return path + (key,), True, (f"{where}: generator '{key}' is reserved for "
                                     f"{RESERVED_GENERATORS[key]}, which telemock cannot run yet")
    if _is_step_path(path):
        return path + (key,), True, f"{where}: unknown step '{key}'{_suggest(key, STEP_NAMES)}"
    return path + (key,), True, (f"{where}: unknown key '{key}' (expected {_listing(known)})"
                                 f"{_suggest(key, known)}")


def _message(err: ValidationError) -> tuple[Path, bool, str] | None:
    """(path to point at, point at the key rather than the value?, message), or None to drop
    an error another one already explains."""
    path: Path = tuple(err.absolute_path)
    where = render_path(path)
    inst = err.instance
    v = err.validator
    if v == "additionalProperties" and isinstance(inst, dict):
        return _unknown_key(err, path, where, inst)
    if v == "required":
        required = err.validator_value if isinstance(err.validator_value, list) else []
        missing = [k for k in required if isinstance(inst, dict) and k not in inst]
        return path, False, f"{where}: missing required key '{missing[0] if missing else err.validator_value}'"
    if v == "oneOf" and _is_step_path(path) and isinstance(inst, dict):
        return _step_action_problem(path, inst)
    if v == "oneOf" and path and path[-1] == "expect_error" and isinstance(inst, dict):
        return path, False, f"{where}: wrap exactly one step to run (e.g. queue_logout: {{...}})"
    if v == "not" and err.validator_value == {"required": ["at", "after"]}:
        return path + ("after",), True, (f"{where}: give either at (from the start) or after "
                                         "(the previous step), not both")
    if v == "not" and isinstance(err.validator_value, dict) and "$ref" in err.validator_value:
        return None  # a reserved step name: the unknown-key message explains it
    if v == "not" and path and path[0] == "generate":
        return None  # a reserved generator name: likewise
    if v in ("anyOf", "oneOf"):
        named = _named_def(err.schema)
        if named == "duration":
            try:
                parse_duration(inst)
            except ValueError as exc:
                return path, False, f"{where}: {exc}"
        if named == "phone":
            return path, False, f"{where}: {inst!r} is not a phone number or extension"
        if named == "id":
            return path, False, f"{where}: {inst!r} is not an id (letters, digits, _ . : @ -)"
        if named in ("count_matcher", "duration_matcher"):
            return path, False, f"{where}: expected a number or {{min, max}}, got {inst!r}"
        if err.context:
            return _message(best_match(err.context))
    if v == "enum":
        allowed = [str(x) for x in err.validator_value] if isinstance(err.validator_value, list) else []
        return path, False, f"{where}: {inst!r} is not one of {_listing(allowed)}{_suggest(str(inst), allowed)}"
    if v == "type":
        want = err.validator_value
        return path, False, f"{where}: expected {_listing(want) if isinstance(want, list) else want}, got {inst!r}"
    if v == "pattern":
        return path, False, f"{where}: {inst!r} does not have the expected form"
    if v in ("minProperties", "maxProperties") and isinstance(inst, dict):
        return path, False, f"{where}: {err.message.replace(repr(inst), 'this mapping')}"
    return path, False, f"{where}: {err.message}"


def schema_problems(file: str, data: Any, positions: Positions) -> list[Problem]:
    """Every schema violation of ``data``, sorted by position, one message per spot."""
    found: dict[tuple[Path, str], Problem] = {}
    keyed: set[Path] = set()
    for err in VALIDATOR.iter_errors(data):
        translated = _message(err)
        if translated is None:
            continue
        path, at_key, message = translated
        if at_key:
            keyed.add(tuple(err.absolute_path))
        mark = positions.of(path, key=at_key)
        found.setdefault((path, message), Problem(file, mark, message))
    problems = []
    for (path, message), problem in found.items():
        # An unknown key also breaks "exactly one action"; the unknown key says it better.
        if path in keyed and "action" in message:
            continue
        problems.append(problem)
    problems.sort(key=lambda p: (p.mark.line if p.mark else 0, p.mark.column if p.mark else 0))
    return problems
