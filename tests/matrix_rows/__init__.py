"""The permission matrix's rows, one module per area; ROWS here is their union."""

import importlib
import pkgutil

from .base import Row


def _collect() -> dict[str, Row]:
    rows: dict[str, Row] = {}
    for module_info in pkgutil.iter_modules(__path__):
        if module_info.name == "base":
            continue
        module = importlib.import_module(f"{__name__}.{module_info.name}")
        for name, row in module.ROWS.items():
            assert name not in rows, f"{name} has rows in two modules of tests/matrix_rows/"
            rows[name] = row
    return rows


ROWS = _collect()
