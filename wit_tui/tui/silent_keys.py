"""Why a key did nothing: a key bound on the focus chain whose action does not apply now is answered in words.

The node that owns the binding may explain itself (the :class:`ExplainsKeys` protocol, ``why_not``); otherwise the
answer names the key and what it would have done. Also used by the command palette, which runs actions by name.
"""

from __future__ import annotations

from typing import Any, Protocol, runtime_checkable

from textual.actions import parse
from textual.app import App
from textual.binding import Binding
from textual.dom import DOMNode

from wit_tui.tui.keymap import shown_key


@runtime_checkable
class ExplainsKeys(Protocol):
    """A node that says why one of its actions does not apply now ("" lets the default sentence speak)."""

    def why_not(self, action: str, parameters: tuple[Any, ...]) -> str: ...


def target_of(app: App, action: str, namespace: DOMNode) -> tuple[DOMNode, str, tuple[Any, ...]]:
    """The node an action string runs on (``app.``/``screen.`` prefixes as the framework reads them)."""
    destination, name, parameters = parse(action)
    node: DOMNode = {"app": app, "screen": app.screen}.get(destination, namespace) if destination else namespace
    return node, name, parameters


def reason(node: DOMNode, name: str, parameters: tuple[Any, ...], shown: str, description: str) -> str:
    """The node's own reason, else "<key> (<what it does>) does not apply here."."""
    why = node.why_not(name, parameters) if isinstance(node, ExplainsKeys) else ""
    if why:
        return why
    what = f" ({description})" if description else ""
    return f"{shown}{what} does not apply here."


def _shown(binding: Binding) -> str:
    return binding.key_display or shown_key(binding.key)


def why_silent(app: App, key: str) -> str:
    """Why ``key`` does nothing on the current screen ("" when a binding for it runs, or none is bound)."""
    first: tuple[DOMNode, str, tuple[Any, ...], Binding] | None = None
    for namespace, bindings in app.screen._modal_binding_chain:  # the chain the framework checks, in its order
        for binding in bindings.key_to_bindings.get(key, ()):
            node, name, parameters = target_of(app, binding.action, namespace)
            if node.check_action(name, parameters):
                return ""
            if first is None:
                first = (node, name, parameters, binding)
    if first is None:
        return ""
    node, name, parameters, binding = first
    return reason(node, name, parameters, _shown(binding), binding.description)


__all__ = ["ExplainsKeys", "reason", "target_of", "why_silent"]
