"""`demo` sits at the top of the stack: it may import every app, and no product package
imports it (the demo data stays out of the product)."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PRODUCT_PACKAGES = ["accounts", "cms", "config", "core", "grants", "home", "incubator", "purchasing"]


def imported_modules(path: Path) -> set[str]:
    modules = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules.add(node.module)
    return modules


def test_no_product_package_imports_demo():
    offenders = [
        f"{path.relative_to(ROOT)}: {module}"
        for package in PRODUCT_PACKAGES
        for path in sorted((ROOT / package).rglob("*.py"))
        for module in imported_modules(path)
        if module == "demo" or module.startswith("demo.")
    ]
    assert offenders == []


def test_no_demo_module_is_left_in_a_product_package():
    leftovers = [
        str(path.relative_to(ROOT))
        for package in PRODUCT_PACKAGES
        for pattern in ("demo.py", "demo_*.py", "load_demo.py")
        for path in (ROOT / package).rglob(pattern)
    ]
    assert leftovers == []
