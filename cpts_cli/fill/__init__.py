"""``cpts fill``: ask, in French, for what a step still misses, and write it into the file.

``spec`` reads the questions declared in ``schemas/prompts.yaml`` (titles and help from the
schema); ``engine`` decides from the step's findings what to ask and writes the answers
round trip (``cpts_cli.project.edit``), saving after each item. Its parts: ``tree`` (where
a value is read and written), ``scalars`` (one prompt, one value: checks and conversions),
``context`` (choices, defaults, keys from the project), ``base`` (what they share). The
terminal face is ``cpts_cli.cli.cmd_fill``; nothing here prints or imports questionary.
"""

from cpts_cli.fill.engine import SKIP, Asker, FillResult, Prompt, fill

__all__ = ["SKIP", "Asker", "FillResult", "Prompt", "fill"]
