"""Domain rules, by area; importing this package registers them all, in step order."""

from cpts_cli.rules import (  # noqa: F401 - imported to register the rules
    territoire,
    mobilisation,
    diagnostic,
    priorites,
    lettre_intention,
    presentation,
    projet_sante,
    validation,
    mise_en_oeuvre,
)
from cpts_cli.rules.engine import RULES, Context, Rule, run_rules

__all__ = ["RULES", "Context", "Rule", "run_rules"]
