"""Keymap overrides from ``config.toml`` (``[keys] binding_id = "key"`` or ``"key1,key2"``), for a terminal or tmux
that eats a key. Read once at start-up; a bad file never stops the app: each problem is one sentence naming the
file and the fix, and the default keys stay for what was refused.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from textual.keys import _normalize_key_list  # the framework's own spelling rules ("?" -> question_mark)

from wit_tui.tui.keymap import KeyRow, screens, shown_key
from wit_tui.tui.registry import VIEWS
from wit_tui.tui.views.base import SessionView

FIX = "; the README's key table lists the binding ids (python -m wit_tui.tui.keymap --markdown)"


def config_path() -> Path:
    """``$WIT_TUI_CONFIG``, else ``$XDG_CONFIG_HOME/wit-tui/config.toml`` (``~/.config`` when unset)."""
    explicit = os.environ.get("WIT_TUI_CONFIG")
    if explicit:
        return Path(explicit).expanduser()
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base).expanduser() / "wit-tui" / "config.toml"


@dataclass(frozen=True)
class KeyConfig:
    """The overrides that apply (binding id -> keys), and one sentence per one refused."""

    path: Path
    keymap: Mapping[str, str] = field(default_factory=dict)
    problems: tuple[str, ...] = ()


def _read(path: Path) -> tuple[dict[str, object], list[str]]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}, []
    except (OSError, UnicodeDecodeError) as exc:
        return {}, [f"{path}: cannot be read ({exc}); the default keys are used. Fix or remove the file."]
    try:
        table = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        return {}, [f"{path}: not valid TOML ({exc}); the default keys are used. Fix or remove the file."]
    keys = table.get("keys", {})
    if not isinstance(keys, dict):
        return {}, [
            f'{path}: "keys" must be a table ([keys] then binding_id = "key" lines); the default keys are used.'
        ]
    return _flat(keys), []


def _flat(table: dict[str, object], prefix: str = "") -> dict[str, object]:
    """``datapoints.counterfactual = "k"`` unquoted is a nested table in TOML: read it as the id it spells."""
    out: dict[str, object] = {}
    for name, value in table.items():
        if isinstance(value, dict):
            out.update(_flat(value, f"{prefix}{name}."))
        else:
            out[f"{prefix}{name}"] = value
    return out


def _first_clash(
    views: Sequence[tuple[str, type[SessionView]]], keymap: Mapping[str, str]
) -> tuple[KeyRow, str, str, list[KeyRow]] | None:
    """(overridden row, key, screen, the other rows on that key) for the first override that takes a key another
    binding of the same screen keeps (a binding moved away by the keymap frees its key)."""
    for screen in screens(views):
        keys_of = {
            row.meaning: tuple(keymap[row.id].split(",")) if row.id in keymap else row.keys for row in screen.rows
        }
        for row in screen.rows:
            if row.id not in keymap:
                continue
            for key in keys_of[row.meaning]:
                others = [o for o in screen.rows if o.meaning != row.meaning and key in keys_of[o.meaning]]
                if others:
                    return row, key, screen.title.split(" ", 1)[-1], others
    return None


def load_key_config(path: Path | None = None, views: Sequence[tuple[str, type[SessionView]]] = VIEWS) -> KeyConfig:
    """The file's ``[keys]`` checked against every screen: unknown ids and keys that would clash are refused."""
    path = path if path is not None else config_path()
    raw, problems = _read(path)
    known = {row.id for s in screens(views) for row in s.rows if row.id}
    keymap: dict[str, str] = {}
    for binding_id, keys in raw.items():
        if binding_id not in known:
            problems.append(f"{path}: [keys] {binding_id!r} is not a binding id, so it was ignored{FIX}.")
        elif not isinstance(keys, str) or not keys.strip(" ,"):
            problems.append(f'{path}: [keys] {binding_id} must be a key in quotes ("x" or "x,ctrl+y"); ignored.')
        else:
            keymap[binding_id] = _normalize_key_list(",".join(k.strip() for k in keys.split(",") if k.strip()))
    while (clash := _first_clash(views, keymap)) is not None:  # refuse each override that takes a used key
        row, key, where, rows = clash
        others = ", ".join(dict.fromkeys(f"{o.description or o.action} ({o.id or 'built in'})" for o in rows))
        problems.append(
            f"{path}: [keys] {row.id} = {shown_key(key)!r} clashes on the {where} screen with {others};"
            " it keeps its default key. Choose a key that is free there."
        )
        keymap.pop(row.id)
    return KeyConfig(path, keymap, tuple(problems))


__all__ = ["KeyConfig", "config_path", "load_key_config"]
