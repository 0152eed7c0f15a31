from django.apps import AppConfig


class AwardsConfig(AppConfig):
    """Awards and agreements, milestone reports and two-way evaluation."""

    name = "grants.awards"
    label = "awards"
    verbose_name = "Awards"

    def ready(self):
        from accounts.dashboard import register
        from grants.awards.dashboard import award_links

        register(award_links)
