"""Cards on the signed-in dashboard. Each app registers a function that returns the
links its features offer a user; the dashboard shows them all."""

from collections.abc import Callable

LinkProvider = Callable[[object], list[dict]]
_providers: list[LinkProvider] = []


def register(provider: LinkProvider) -> LinkProvider:
    _providers.append(provider)
    return provider


def links_for(user) -> list[dict]:
    links = []
    for provider in _providers:
        links.extend(provider(user))
    return links
