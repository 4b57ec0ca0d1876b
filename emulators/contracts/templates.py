"""``${namespace.name}`` in contract requests and expectations.

``${vars.x}``: the vendor's contract variables (``_vendor.yaml``, overridden by ``--var``),
``${credentials.x}``: the tenant's credentials (the emulator's, or from the environment for a
live run), ``${saved.x}``: a value an earlier step saved. A string that is one template whole
takes the value's own type (an integer stays an integer); inside a ``!re`` pattern a value is
escaped, so ``${vars.app}`` matches itself literally.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Mapping

from .matchers import Matcher, _RegexText

TEMPLATE = re.compile(r"\$\{(vars|credentials|saved)\.([A-Za-z0-9_.-]+)\}")
NAMESPACES = ("vars", "credentials", "saved")


class TemplateError(ValueError):
    pass


@dataclass
class Values:
    vars: Mapping[str, Any] = field(default_factory=dict)
    credentials: Mapping[str, str] = field(default_factory=dict)
    saved: dict[str, Any] = field(default_factory=dict)

    def get(self, namespace: str, name: str) -> Any:
        found: Mapping[str, Any] = getattr(self, namespace)
        if name not in found:
            hint = {"vars": "set it in _vendor.yaml or with --var",
                    "credentials": "give the credential (see --credentials)",
                    "saved": "an earlier step must save it"}[namespace]
            raise TemplateError(f"${{{namespace}.{name}}} has no value ({hint})")
        return found[name]


def fill(tree: Any, values: Values) -> Any:
    """``tree`` with every template replaced (a new tree; the contract stays as loaded)."""
    if isinstance(tree, _RegexText):
        return TEMPLATE.sub(lambda m: re.escape(str(values.get(m[1], m[2]))), tree)
    if isinstance(tree, str):
        whole = TEMPLATE.fullmatch(tree)
        if whole is not None:
            return values.get(whole[1], whole[2])
        return TEMPLATE.sub(lambda m: str(values.get(m[1], m[2])), tree)
    if isinstance(tree, Matcher):
        return tree.rebuild(lambda part: fill(part, values))
    if isinstance(tree, dict):
        return {key: fill(value, values) for key, value in tree.items()}
    if isinstance(tree, list):
        return [fill(value, values) for value in tree]
    return tree


def names_used(tree: Any, namespace: str) -> set[str]:
    """The names of ``namespace`` a tree refers to (which credentials a run needs)."""
    if isinstance(tree, str):
        return {m[2] for m in TEMPLATE.finditer(tree) if m[1] == namespace}
    if isinstance(tree, Matcher):
        found: set[str] = set()
        for part in tree.children():
            found |= names_used(part, namespace)
        return found
    if isinstance(tree, dict):
        return set().union(*(names_used(v, namespace) for v in tree.values())) if tree else set()
    if isinstance(tree, list):
        return set().union(*(names_used(v, namespace) for v in tree)) if tree else set()
    return set()
