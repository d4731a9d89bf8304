"""Domain rules, by area; importing this package registers them all, in step order."""

from cpts_cli.checking.rules import (  # noqa: F401 - imported to register the rules
    coherence,
    declared,
    diagnostic,
    lettre_intention,
    mise_en_oeuvre,
    mobilisation,
    presentation,
    priorites,
    projet_sante,
    territoire,
    validation,
)
from cpts_cli.checking.rules.engine import RULES, Context, Rule, run_rules

__all__ = ["RULES", "Context", "Rule", "run_rules"]
