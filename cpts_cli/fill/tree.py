"""Where ``cpts fill`` reads and writes in the round-trip tree of the project file."""

from __future__ import annotations

from typing import Any

from cpts_cli.fill.base import MISSING as _MISSING
from cpts_cli.fill.base import schema_tokens as _schema_tokens
from cpts_cli.fill.spec import property_order
from cpts_cli.project import edit
from cpts_cli.project.document import to_plain
from cpts_cli.workflow.steps import TOP_LEVEL_KEYS


class TreeEdits:
    """Reading the tree at a path, and writing an answer there in the file's style (through
    ``cpts_cli.project.edit``). Part of ``Filler``."""

    def _node(self, tokens: list[str]) -> Any:
        node: Any = self.doc.data
        for token in tokens:
            if isinstance(node, dict):
                if token not in node:
                    return _MISSING
                node = node[token]
            elif isinstance(node, list):
                try:
                    node = node[int(token)]
                except (ValueError, IndexError):
                    return _MISSING
            else:
                return _MISSING
        return node

    def _plain(self, tokens: list[str]) -> Any:
        node = self._node(tokens)
        return None if node is _MISSING else to_plain(node)

    def _parent(self, tokens: list[str]) -> tuple[Any, int]:
        """The deepest mapping that exists on the way to ``tokens``, and the index in
        ``tokens`` of the key to write in it.

        An empty value (``~``, ``""``) on the way counts as missing; anything else that is not
        what the path needs stops the edit before anything is changed.
        """
        node: Any = self.doc.data
        i = 0
        last = len(tokens) - 1
        while i < last:
            nxt = node.get(tokens[i]) if isinstance(node, dict) else None
            if isinstance(nxt, dict):
                node, i = nxt, i + 1
                continue
            if isinstance(nxt, list) and i + 1 < last and tokens[i + 1].isdigit():
                index = int(tokens[i + 1])
                if index < len(nxt) and isinstance(nxt[index], dict):
                    node, i = nxt[index], i + 2
                    continue
            if nxt is not None and nxt != "":
                from cpts_cli.support.errors import CptsError

                raise CptsError(
                    f"Dans « {self.doc.name} », « {'.'.join(tokens[: i + 1])} » n'a pas la "
                    "forme attendue : corrigez-la d'abord (voir « cpts validate »)."
                )
            break
        return node, i

    def _set(self, tokens: list[str], value: Any) -> None:
        """Write ``value`` at ``tokens``; missing mappings on the way are written with it, in
        one piece (an empty one would get the comments that follow it between its key and
        its content)."""
        parent, depth = self._parent(tokens)
        for key in reversed(tokens[depth + 1 :]):
            value = {key: value}
        key = tokens[depth]
        # The old value (its quotes) or the same key in a sibling element sets the style.
        like = parent.get(key)
        if like is None:
            like = self._sibling_value(tokens[: depth + 1])
        node = self.style.node(value, like, indent=2 * (depth + 1))
        if depth == 0 and key not in parent and key in TOP_LEVEL_KEYS:
            edit.add_section(parent, key, node)  # a section the user deleted: with its header
            return
        edit.set_key(parent, key, node, property_order(_schema_tokens(tokens[:depth])))
        if isinstance(value, edit.Named):
            column = 2 * depth + len(f"{key}: ") + len(value) + 2 + 2
            edit.name_key(parent, key, value.name, column)

    def _sibling_value(self, tokens: list[str]) -> Any:
        """The same key in the previous item of the enclosing list (to copy its style)."""
        for depth in range(len(tokens) - 1, 0, -1):
            if tokens[depth - 1].isdigit():
                index = int(tokens[depth - 1])
                seq = self._node(tokens[: depth - 1])
                if isinstance(seq, list):
                    for other in reversed(seq[:index] + seq[index + 1 :]):
                        node: Any = other
                        for token in tokens[depth:]:
                            node = node.get(token) if isinstance(node, dict) else None
                        if node is not None:
                            return node
                return None
        return None

    def _append(self, tokens: list[str], value: Any) -> None:
        seq = self._node(tokens)
        if isinstance(seq, list):
            like = seq[-1] if len(seq) else None
            # The item's content starts after « - », under the list's key (as cpts init
            # writes lists: ``  acteurs:`` then ``    - nom: …``).
            column = 2 * len(tokens) + 2
            edit.append(seq, self.style.node(value, like, indent=column))
            if isinstance(value, edit.Named) and not seq.fa.flow_style():
                edit.label_items(seq, {len(seq) - 1: value.name}, column + 4)
        else:
            self._set(tokens, [value])
