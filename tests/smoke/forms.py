"""Reading a back-office form from its HTML and posting it back as a browser would.

`form_data(html, path)` finds the page's main POST form (the one that posts back to the
page itself), and returns what a browser would send for it unchanged: inputs, checked
boxes, selected options, textareas, and every StreamField, whose value Wagtail renders as
JSON for its JavaScript (`data-w-block-*`) and which a browser posts as `name-count`,
`name-0-type`, `name-0-value-…` fields. Files are left out (an edit keeps its file).
"""

from __future__ import annotations

import json
from urllib.parse import urlsplit

from bs4 import BeautifulSoup

SKIPPED_INPUT_TYPES = {"submit", "button", "image", "reset", "file"}


def main_form(soup: BeautifulSoup, path: str):
    """The largest POST form whose action is this page (or empty)."""
    candidates = []
    for form in soup.find_all("form"):
        if (form.get("method") or "get").lower() != "post" or form.find_parent("template"):
            continue
        action = urlsplit(form.get("action") or "").path
        if action not in ("", urlsplit(path).path):
            continue
        candidates.append(form)
    if not candidates:
        return None
    return max(candidates, key=lambda form: len(form.find_all(["input", "select", "textarea"])))


def form_data(html: str, path: str) -> dict[str, list[str]] | None:
    """What a browser posts for the page's main form unchanged, or None when there is none."""
    form = main_form(BeautifulSoup(html, "html.parser"), path)
    if form is None:
        return None
    return fields_of(form)


def post_forms(html: str, path: str) -> list[tuple[str, dict[str, list[str]]]]:
    """(action, data) for every POST form of the page, once per named submit button
    (the button a person clicks is part of what is posted)."""
    found = []
    for form in BeautifulSoup(html, "html.parser").find_all("form"):
        if (form.get("method") or "get").lower() != "post" or form.find_parent("template"):
            continue
        action = form.get("action") or path
        data = fields_of(form)
        buttons = [
            button
            for button in form.find_all(["button", "input"])
            if (button.get("type") or ("submit" if button.name == "button" else "")).lower() == "submit"
            and button.get("name")
        ]
        if not buttons:
            found.append((action, data))
        for button in buttons:
            found.append((action, {**data, button["name"]: [button.get("value", "")]}))
    return found


def fields_of(form) -> dict[str, list[str]]:
    data: dict[str, list[str]] = {}

    def add(name, value):
        data.setdefault(name, []).append(value)

    for element in form.find_all(["input", "select", "textarea"]):
        name = element.get("name")
        if not name or "__prefix__" in name or element.has_attr("disabled") or element.find_parent("template"):
            continue
        if element.name == "textarea":
            text = element.string or ""
            # Browsers drop the newline that follows <textarea>.
            add(name, text[1:] if text.startswith("\n") else text)
        elif element.name == "select":
            options = [option for option in element.find_all("option") if not option.has_attr("disabled")]
            chosen = [option for option in options if option.has_attr("selected")]
            if not chosen and not element.has_attr("multiple") and options:
                chosen = options[:1]
            for option in chosen:
                add(name, option.get("value", option.get_text()))
            if not chosen:
                data.setdefault(name, [])
        else:
            kind = (element.get("type") or "text").lower()
            if kind in SKIPPED_INPUT_TYPES:
                continue
            if kind in ("checkbox", "radio"):
                if element.has_attr("checked"):
                    add(name, element.get("value", "on"))
                continue
            add(name, element.get("value", ""))
    for widget in form.select('[data-controller~="w-block"]'):
        name = widget.get("id")
        definition = unpack(json.loads(widget["data-w-block-data-value"]))
        state = json.loads(widget["data-w-block-arguments-value"])[0]
        stream = {}
        block_post_data(definition, state, name, stream)
        data.update(stream)
    return {name: values for name, values in data.items() if values}


def unpack(packed, refs=None):
    """Telepath's packed JSON (what Wagtail's block definitions travel as) to plain values."""
    refs = {} if refs is None else refs
    if isinstance(packed, list):
        return [unpack(item, refs) for item in packed]
    if not isinstance(packed, dict):
        return packed
    if "_ref" in packed:
        return refs[packed["_ref"]]
    if "_type" in packed:
        result = {"_type": packed["_type"], "_args": unpack(packed.get("_args", []), refs)}
    elif "_list" in packed:
        result = unpack(packed["_list"], refs)
    elif "_dict" in packed:
        result = {key: unpack(value, refs) for key, value in packed["_dict"].items()}
    elif "_val" in packed:
        result = packed["_val"]
    else:
        result = {key: unpack(value, refs) for key, value in packed.items()}
    if "_id" in packed:
        refs[packed["_id"]] = result
    return result


def block_post_data(definition: dict, state, prefix: str, out: dict) -> None:
    """Wagtail's block JavaScript, reduced to the fields it posts for `state`."""
    kind, args = definition["_type"], definition["_args"]
    if kind.endswith("StreamBlock"):
        children = {child["_args"][0]: child for _group, group in args[1] for child in group}
        items = state or []
        out[f"{prefix}-count"] = [str(len(items))]
        for index, item in enumerate(items):
            out[f"{prefix}-{index}-type"] = [item["type"]]
            out[f"{prefix}-{index}-deleted"] = [""]
            out[f"{prefix}-{index}-order"] = [str(index)]
            out[f"{prefix}-{index}-id"] = [item.get("id") or ""]
            block_post_data(children[item["type"]], item["value"], f"{prefix}-{index}-value", out)
    elif kind.endswith("StructBlock"):
        state = state or {}
        for child in args[1]:
            name = child["_args"][0]
            block_post_data(child, state.get(name), f"{prefix}-{name}", out)
    elif kind.endswith("ListBlock"):
        items = state or []
        out[f"{prefix}-count"] = [str(len(items))]
        for index, item in enumerate(items):
            wrapped = isinstance(item, dict) and set(item) == {"value", "id"}
            out[f"{prefix}-{index}-deleted"] = [""]
            out[f"{prefix}-{index}-order"] = [str(index)]
            out[f"{prefix}-{index}-id"] = [(item.get("id") or "") if wrapped else ""]
            block_post_data(args[1], item["value"] if wrapped else item, f"{prefix}-{index}-value", out)
    elif kind.endswith("StaticBlock"):
        return
    else:
        out[prefix] = field_values(state)


def field_values(state) -> list[str]:
    if state is None:
        return [""]
    if state is True:
        return ["on"]
    if state is False:
        return []
    if isinstance(state, dict):  # a chooser's value data
        return [str(state.get("id") or "")]
    if isinstance(state, list):
        return [str(item) for item in state]
    return [str(state)]


def stream_value(prefix: str, items: list[tuple[str, dict]]) -> dict[str, list[str]]:
    """POST fields for a new stream of (block type, {field: value}) items with flat struct children."""
    out = {f"{prefix}-count": [str(len(items))]}
    for index, (kind, fields) in enumerate(items):
        base = f"{prefix}-{index}"
        out.update({f"{base}-type": [kind], f"{base}-deleted": [""], f"{base}-order": [str(index)], f"{base}-id": [""]})
        for name, value in fields.items():
            if isinstance(value, list):  # a ListBlock of plain values
                out[f"{base}-value-{name}-count"] = [str(len(value))]
                for position, item in enumerate(value):
                    item_base = f"{base}-value-{name}-{position}"
                    out.update(
                        {
                            f"{item_base}-deleted": [""],
                            f"{item_base}-order": [str(position)],
                            f"{item_base}-id": [""],
                            f"{item_base}-value": [str(item)],
                        }
                    )
            elif value is True:
                out[f"{base}-value-{name}"] = ["on"]
            elif value is not False:
                out[f"{base}-value-{name}"] = [str(value)]
    return out
