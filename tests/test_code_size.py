"""No class over 400 lines and no function over 80 in the package (``scripts/code_size.py``):
a builder that grows past that is split by concern before it lands."""

from __future__ import annotations

import importlib.util

from .conftest import ROOT


def _code_size():
    spec = importlib.util.spec_from_file_location("code_size", ROOT / "scripts" / "code_size.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_no_class_or_function_over_the_limits():
    code_size = _code_size()
    over = [f"{kind} {where} : {length} lignes" for kind, where, length in code_size.oversized()]
    assert not over, "\n".join(over)


def test_the_measure_sees_classes_and_functions(tmp_path):
    code_size = _code_size()
    body = "\n".join(f"    x{i} = {i}" for i in range(85))
    (tmp_path / "big.py").write_text(f"def big():\n{body}\n\n\nclass Small:\n    pass\n")
    sizes = {where.split(" ")[1]: (kind, n) for kind, where, n in code_size.sizes(tmp_path)}
    assert sizes == {"big": ("function", 86), "Small": ("class", 2)}
