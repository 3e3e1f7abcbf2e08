"""The command palette lists every key of the screen it was opened on, by name."""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.dom import DOMNode

SKIP_ACTIONS = {"command_palette", "app.command_palette"}


class KeyCommands(Provider):
    """One command per binding of the calling screen (its widgets, the screen, the app)."""

    def _commands(self) -> Iterator[tuple[str, str, str, DOMNode]]:
        seen: set[tuple[int, str]] = set()
        for key, active in self.screen.active_bindings.items():
            binding = active.binding
            if binding.action in SKIP_ACTIONS or not binding.description:
                continue
            marker = (id(active.node), binding.action)
            if marker in seen:
                continue
            seen.add(marker)
            shown = binding.key_display or self.app.get_key_display(binding.with_key(key))
            yield f"{binding.description} ({shown})", binding.tooltip, binding.action, active.node

    async def _run(self, action: str, node: DOMNode) -> None:
        await self.app.run_action(action, node)

    async def discover(self) -> Hits:
        for name, help_text, action, node in self._commands():
            yield DiscoveryHit(name, partial(self._run, action, node), help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, help_text, action, node in self._commands():
            score = max(matcher.match(name), matcher.match(help_text) * 0.5)
            if score > 0:
                yield Hit(score, matcher.highlight(name), partial(self._run, action, node), text=name,
                          help=help_text)
