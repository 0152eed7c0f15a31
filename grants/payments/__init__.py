"""Payment rails (Stripe Connect, bank transfer), Stripe gateway, webhook routing, tranche maths.

Model-free: the disbursement ledger (payments, events, audit) builds on these pieces.
Modules: ``rails`` (shared interface, bank rail), ``bank_files`` (finance CSVs),
``stripe_gateway`` (every Stripe call), ``webhooks`` (event routing), ``tranches``.
"""
