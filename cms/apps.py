from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = _("Public site")

    def ready(self):
        from cms import signals
        from cms.tasks import queue_showcase_for_award
        from grants.awards.services import on_award_made

        signals.connect()
        post_migrate.connect(signals.follow_site_url_after_migrate, sender=self)
        # Every funded project gets a draft showcase (published only with the NGO's consent).
        on_award_made(queue_showcase_for_award)
