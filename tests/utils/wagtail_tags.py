"""Helpers for the tests of Wagtail template tags this project keeps or replaces."""

import json
import re


def embedded_json(client, script_id: str, path: str = "/admin/") -> dict:
    """The JSON an admin page embeds in its `<script id=script_id>`."""
    response = client.get(path)
    assert response.status_code == 200
    pattern = re.compile(rf'<script id="{re.escape(script_id)}" type="application/json">(.*?)</script>', re.S)
    return json.loads(pattern.search(response.content.decode()).group(1))


def record_wagtail_calls(monkeypatch, module, attribute: str) -> list[str]:
    """Wrap Wagtail's own function kept as `module.attribute`: the list fills with the path
    of each request it is called for."""
    calls = []
    original = getattr(module, attribute)

    def recording(context):
        calls.append(context["request"].path)
        return original(context)

    monkeypatch.setattr(module, attribute, recording)
    return calls
