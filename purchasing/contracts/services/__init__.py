"""Writes of service purchasing, one module per lifecycle: buyers, offers, needs (and quotes),
contracts (and amendments). Each module's docstring states its states, rules and lock order."""
