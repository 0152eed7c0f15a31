"""Where a contract's evaluation result comes from (the three-party evaluation, issue 17).

purchasing.contracts sits below the evaluation work, so it owns this registry and the
evaluation app fills it in its ``AppConfig.ready()``::

    from purchasing.contracts import evaluation_results
    evaluation_results.register(result_of_contract)  # (contract) -> EvaluationResult | None

Renewal (``permissions.can_renew_contract``) and the final instalment read
``result_for(contract)``; with nothing registered, or no result yet, there is none.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class EvaluationResult:
    passed: bool
    grade: str = ""
    summary: str = ""


ResultProvider = Callable[[object], EvaluationResult | None]
_providers: list[ResultProvider] = []


def register(provider: ResultProvider) -> ResultProvider:
    if provider not in _providers:
        _providers.append(provider)
    return provider


def unregister(provider: ResultProvider) -> None:
    """For tests."""
    if provider in _providers:
        _providers.remove(provider)


def result_for(contract) -> EvaluationResult | None:
    """The first result a provider knows for the contract, or None."""
    for provider in _providers:
        result = provider(contract)
        if result is not None:
            return result
    return None
