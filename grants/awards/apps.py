from django.apps import AppConfig


class AwardsConfig(AppConfig):
    """Awards and agreements, milestone reports and two-way evaluation."""

    name = "grants.awards"
    label = "awards"
    verbose_name = "Awards"
