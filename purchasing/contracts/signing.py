"""What happens when a contract is signed, told by apps above purchasing.contracts.

purchasing.delivery sits above this app and opens the contract's delivery periods at
signature; it registers that here in its ``AppConfig.ready()``::

    from purchasing.contracts import signing
    signing.on_signed(open_periods)  # (*, contract) -> None, runs inside the signing transaction

A handler that raises refuses the signature (the transaction rolls back).
"""

from collections.abc import Callable

_handlers: list[Callable] = []


def on_signed(handler: Callable) -> Callable:
    if handler not in _handlers:
        _handlers.append(handler)
    return handler


def signed(contract) -> None:
    """Run every handler for a contract that has just been signed."""
    for handler in list(_handlers):
        handler(contract=contract)
