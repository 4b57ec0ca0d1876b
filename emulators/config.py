"""``telemock serve --config FILE``: read the YAML, check every key and value, and say where a
mistake is (``file:line: key: problem; did you mean ...?``) instead of ignoring it.

The file takes the options of ``telemock serve`` (``CONFIG_KEYS``) plus ``settings``, applied
to every tenant: core settings and vendor sections, checked by the same validation as the
control plane's (``control.settings.validate_settings`` with each vendor's dialect).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

LOG_LEVELS = ("critical", "error", "warning", "info", "debug", "trace")
"""``--log-level`` choices (uvicorn's levels)."""
CLOCK_MODES = ("manual", "auto", "realtime")


class ConfigError(ValueError):
    """A config file mistake, already worded as ``file[:line]: problem``."""


def _text(value: Any) -> str | None:
    return None if isinstance(value, str) else "must be text"


def _whole(value: Any) -> str | None:
    ok = isinstance(value, int) and not isinstance(value, bool)
    return None if ok else "must be a whole number"


def _port(value: Any) -> str | None:
    ok = isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 65535
    return None if ok else "must be a port number, 0 to 65535"


def _number(value: Any) -> str | None:
    ok = isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
    return None if ok else "must be a number"


def _flag(value: Any) -> str | None:
    return None if isinstance(value, bool) else "must be true or false"


def _one_of(choices: Iterable[str]) -> Callable[[Any], str | None]:
    names = tuple(choices)

    def check(value: Any) -> str | None:
        return None if value in names else f"must be one of {', '.join(names)}"
    return check


def _names(value: Any) -> str | None:
    if isinstance(value, str) or (isinstance(value, list) and all(isinstance(v, str) for v in value)):
        return None
    return "must be a vendor name or a list of them"


def _mapping(value: Any) -> str | None:
    return None if isinstance(value, dict) else "must be a mapping"


CONFIG_KEYS: dict[str, tuple[Callable[[Any], str | None], str]] = {
    "vendors": (_names, "--vendor"),
    "host": (_text, "--host"),
    "port": (_port, "--port"),
    "single_port": (_port, "--single-port"),
    "ports": (_mapping, "--listener-port (listener: port)"),
    "seed": (_whole, "--seed"),
    "admin_token": (_text, "--admin-token"),
    "clock_mode": (_one_of(CLOCK_MODES), "--clock-mode"),
    "clock_speed": (_number, "--clock-speed"),
    "clock_start": (_text, "--clock-start"),
    "max_body_bytes": (_whole, "--max-body-bytes"),
    "read_timeout": (_number, "--read-timeout"),
    "state_dir": (_text, "--state-dir"),
    "state_interval": (_number, "--state-interval"),
    "log_level": (_one_of(LOG_LEVELS), "--log-level"),
    "access_log": (_flag, "--access-log"),
    "settings": (_mapping, "tenant settings (docs/CONTROL_API.md, Settings)"),
}
"""Every key a config file may have: its check and the option it stands for."""


@dataclass
class Config:
    """A checked config file: its values, and where each one is (for later messages)."""

    file: str = ""
    values: dict[str, Any] = field(default_factory=dict)
    lines: dict[tuple[Any, ...], int] = field(default_factory=dict)
    """The line of each path's key (``("settings", "webhooks", "url")``)."""

    def get(self, key: str, default: Any = None) -> Any:
        return self.values.get(key, default)

    def where(self, *path: Any) -> str:
        """``file:line`` of ``path`` (or of its nearest ancestor), for a message."""
        p = tuple(path)
        while p and p not in self.lines:
            p = p[:-1]
        line = self.lines.get(p)
        return f"{self.file}:{line}" if line else self.file

    def error(self, message: str, *path: Any) -> ConfigError:
        return ConfigError(f"{self.where(*path)}: {message}")

    def check_settings(self, served: Iterable[str]) -> None:
        """Check ``settings`` as the control plane would for each vendor served; a key no
        served vendor uses, or no vendor has, is refused naming it."""
        from .control.settings import SettingsError, did_you_mean, validate_settings
        from .core.world import CORE_SETTINGS, honoured, own_settings
        from .vendors import VENDOR_MODULES, load_vendors

        settings = self.values.get("settings")
        if not settings:
            return
        served = list(served)
        specs = load_vendors(served)
        for key in map(str, settings):
            if key in CORE_SETTINGS:
                if not any(key in honoured(spec.dialect) for spec in specs.values()):
                    raise self.error(f"settings.{key}: not used by {', '.join(served)} "
                                     f"(docs/CONTROL_API.md, Settings)", "settings", key)
            elif key not in VENDOR_MODULES:
                hint = did_you_mean(key, [*CORE_SETTINGS, *VENDOR_MODULES])
                raise self.error(f"settings.{key}: not a setting{hint} (core settings: "
                                 f"{', '.join(CORE_SETTINGS)}; a vendor's own go under its name)",
                                 "settings", key)
        others = [k for k in settings if k in VENDOR_MODULES and k not in specs]
        specs.update(load_vendors(others) if others else {})
        for name, spec in specs.items():
            part = own_settings(settings, spec.dialect) if name in served else {name: settings[name]}
            try:
                validate_settings(part, spec.dialect)
            except SettingsError as exc:
                where, sep, problem = str(exc).partition(": ")
                message = f"settings.{where.replace('/', '.')}: {problem}" if sep else f"settings: {exc}"
                raise self.error(message, "settings", *exc.path) from None


def load_config(path: str | None) -> Config:
    """Read and check ``path`` (no path: an empty config); raise ``ConfigError``."""
    if not path:
        return Config()
    from .scenario.yamlpos import MAX_CHARS, YamlError, load

    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise ConfigError(f"{path}: is a directory, not a config file") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not UTF-8 text") from None
    except OSError as exc:
        raise ConfigError(f"{path}: {exc.strerror or exc}") from None
    if len(text) > MAX_CHARS:
        raise ConfigError(f"{path}: longer than {MAX_CHARS:,} characters")
    try:
        data, positions = load(text)
    except YamlError as exc:
        where = f"{path}:{exc.mark.line}:{exc.mark.column}" if exc.mark else path
        raise ConfigError(f"{where}: {exc.message}") from None
    lines = {p: m.line for p, m in positions.values.items()}
    lines.update({p: m.line for p, m in positions.keys.items()})  # a mapping entry: its key's line
    config = Config(path, {}, lines)
    config.lines[()] = 1
    if data is None:
        return config
    if not isinstance(data, dict):
        raise config.error("a config file is a mapping of options (vendors:, seed:, settings: ...)")
    for key, value in data.items():
        if key not in CONFIG_KEYS:
            hint = did_you_mean_key(str(key))
            raise config.error(f"{key}: not a config key{hint} (keys: {', '.join(CONFIG_KEYS)})", key)
        check, option = CONFIG_KEYS[key]
        problem = check(value)
        if problem:
            if key == "admin_token":  # YAML reads 12345 as a number
                raise config.error('admin_token must be text; put it in quotes (admin_token: "...")', key)
            raise config.error(f"{key}: {problem} ({option}); got {value!r:.60}", key)
    config.values = data
    return config


def did_you_mean_key(word: str) -> str:
    from .control.settings import did_you_mean
    return did_you_mean(word, CONFIG_KEYS)
