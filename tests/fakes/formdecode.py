"""Decode Stripe's bracketed form encoding (``metadata[k]=v``, ``line_items[0][quantity]=1``)."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl


def decode_form(body: str) -> dict[str, Any]:
    """Turn a form-encoded body into nested dicts and lists, the way Stripe reads it.

    Dicts whose keys are all decimal indexes become lists, so ``line_items[0][...]``
    reads back as ``{"line_items": [{...}]}``.
    """
    root: dict[str, Any] = {}
    for raw_key, value in parse_qsl(body, keep_blank_values=True):
        parts = _split_key(raw_key)
        node = root
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        last = parts[-1]
        if last == "":  # "expand[]=a&expand[]=b": append-style array
            node.setdefault("", []).append(value)
        else:
            node[last] = value
    return _listify(root)


def _split_key(key: str) -> list[str]:
    head, _, rest = key.partition("[")
    parts = [head]
    while rest:
        inner, _, rest = rest.partition("]")
        parts.append(inner)
        rest = rest.removeprefix("[")
    return parts


def _listify(node: Any) -> Any:
    if not isinstance(node, dict):
        return node
    if set(node) == {""}:
        return list(node[""])
    converted = {key: _listify(value) for key, value in node.items()}
    if converted and all(key.isdigit() for key in converted):
        return [converted[key] for key in sorted(converted, key=int)]
    return converted
