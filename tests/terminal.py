"""A small terminal screen for the pseudo-terminal tests: what prompt_toolkit and Rich write
(text, carriage returns, line feeds, cursor moves, erasures, colours ignored) replayed on a
grid, so that a test reads the lines a person sees. prompt_toolkit redraws only what
changed, so the raw bytes alone do not hold the lines."""

from __future__ import annotations

import re

_TOKEN = re.compile(r"\x1b\[([0-9;?]*)([A-Za-z@])|\x1b[()][0-9A-Za-z]|\x1b[=>78]|(.)", re.DOTALL)


class Screen:
    def __init__(self, rows: int = 40, columns: int = 120) -> None:
        self.rows, self.columns = rows, columns
        self.lines: list[list[str]] = [[]]  # every line written (scrolled-off ones kept)
        self.row = self.col = 0
        self.wrap = True

    @property
    def top(self) -> int:
        """The first line still in the window (the others scrolled off)."""
        return max(0, len(self.lines) - self.rows)

    def feed(self, data: str) -> None:
        for m in _TOKEN.finditer(data):
            params, final, char = m.group(1), m.group(2), m.group(3)
            if final:
                self._control(params or "", final)
            elif char is not None:
                self._char(char)

    def _control(self, params: str, final: str) -> None:
        n = int(params) if params.isdigit() else 1
        if final == "A":
            self.row = max(self.top, self.row - n)
        elif final == "B":
            self._down(n)
        elif final == "C":
            self.col = min(self.columns - 1, self.col + n)
        elif final == "D":
            self.col = max(0, self.col - n)
        elif final == "K":
            del self.lines[self.row][self.col :]
        elif final == "J":
            del self.lines[self.row][self.col :]
            del self.lines[self.row + 1 :]
        elif final in "hl" and params == "?7":
            self.wrap = final == "h"

    def _down(self, n: int = 1) -> None:
        for _ in range(n):
            self.row += 1
            if self.row == len(self.lines):
                self.lines.append([])

    def _char(self, char: str) -> None:
        if char == "\r":
            self.col = 0
        elif char == "\n":
            self._down()
        elif char == "\b":
            self.col = max(0, self.col - 1)
        elif char >= " " and char != "\x7f":
            if self.col >= self.columns:
                if not self.wrap:
                    self.col = self.columns - 1
                else:
                    self.col = 0
                    self._down()
            line = self.lines[self.row]
            line.extend(" " * (self.col + 1 - len(line)))
            line[self.col] = char
            self.col += 1

    def text(self) -> str:
        """Every line written, right spaces removed."""
        return "\n".join("".join(line).rstrip() for line in self.lines).rstrip("\n")

    def window(self) -> str:
        """The lines in the window now (a screen capture)."""
        return "\n".join(self.text().split("\n")[self.top :])
