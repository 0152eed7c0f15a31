"""No code path but `grants.calls.services.calls.call_finalise` writes a call's final state.

A static walk over the product packages: an assignment of the final status to `.status`,
`status=<final>` passed to anything that is not a query, a `"status": <final>` in a dict
(defaults of get_or_create, say), or a move to `target=<final>` outside `call_finalise` fails.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PRODUCT_PACKAGES = ("accounts", "core", "incubator", "grants", "cms", "home", "config", "demo")
# Calls that read with `status=…` (a filter) rather than write it.
READS = {"filter", "exclude", "get", "Q", "When", "first", "exists", "count", "aggregate", "annotate"}
THE_WRITER = ("grants/calls/services/calls.py", "call_finalise")


def is_final(node) -> bool:
    """`Call.Status.FINAL`, `S.FINAL` (S = Call.Status), `Status.FINAL` or the value "final"."""
    if isinstance(node, ast.Constant):
        return node.value == "final"
    if isinstance(node, ast.Attribute) and node.attr == "FINAL":
        return ast.unparse(node.value) in {"S", "Status", "Call.Status", "CallStatus", "CS"}
    return False


def product_modules():
    for package in PRODUCT_PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def writes_of_final(path: Path, root: Path = ROOT):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    relative = path.relative_to(root).as_posix()
    functions = {}
    for function in ast.walk(tree):
        if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            for child in ast.walk(function):
                functions.setdefault(id(child), function.name)
    for node in ast.walk(tree):
        where = f"{relative}:{getattr(node, 'lineno', '?')}"
        if isinstance(node, ast.Assign | ast.AnnAssign | ast.AugAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if node.value is not None and is_final(node.value):
                for target in targets:
                    if isinstance(target, ast.Attribute) and target.attr == "status":
                        yield f"{where}: .status = final"
        elif isinstance(node, ast.Call):
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            for keyword in node.keywords:
                if keyword.arg == "status" and is_final(keyword.value) and name not in READS:
                    yield f"{where}: {name}(status=final)"
                writer = (relative, functions.get(id(node)))
                if keyword.arg == "target" and is_final(keyword.value) and writer != THE_WRITER:
                    yield f"{where}: {name}(target=final) outside call_finalise"
        elif isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values, strict=True):
                if isinstance(key, ast.Constant) and key.value == "status" and is_final(value):
                    yield f"{where}: {{'status': final}}"


def test_only_call_finalise_writes_the_final_state_of_a_call():
    found = [write for path in product_modules() for write in writes_of_final(path)]
    assert found == []


def test_the_walk_finds_the_writes_it_looks_for(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text(
        "def sneak(call):\n"
        "    call.status = Call.Status.FINAL\n"
        "    Call.objects.filter(pk=call.pk).update(status='final')\n"
        "    Call.objects.get_or_create(slug='x', defaults={'status': S.FINAL})\n"
        "    _move(call=call, target=S.FINAL, by=None, verb='x')\n"
        "    Call.objects.filter(status=Call.Status.FINAL).count()\n",
        encoding="utf-8",
    )
    found = list(writes_of_final(sample, root=tmp_path))
    assert len(found) == 4, found


def test_call_finalise_is_the_one_move_to_final():
    path = ROOT / THE_WRITER[0]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    (function,) = [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef) and n.name == THE_WRITER[1]]
    moves = [
        n
        for n in ast.walk(function)
        if isinstance(n, ast.Call)
        and getattr(n.func, "id", "") == "_move"
        and any(k.arg == "target" and is_final(k.value) for k in n.keywords)
    ]
    assert len(moves) == 1
