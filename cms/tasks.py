from celery import shared_task
from django.core.exceptions import ValidationError

from cms.services import showcase_create_for_award
from grants.awards.models import Award


@shared_task(bind=True, autoretry_for=(OSError,), retry_backoff=True, retry_backoff_max=10, max_retries=5)
def create_showcase_for_award(self, award_id: int) -> int | None:
    """A draft showcase for a newly made award (idempotent: one showcase per award).

    Returns the showcase's page id, or None when the site has no showcases page yet
    (editors can still create it later from the admin's "Showcases from awards").
    """
    award = Award.objects.select_related("application__organisation", "application__call").get(pk=award_id)
    try:
        return showcase_create_for_award(award=award).pk
    except ValidationError:
        return None


def queue_showcase_for_award(award_id: int) -> None:
    """Registered with awards (CmsConfig.ready()): runs after the award is committed."""
    create_showcase_for_award.delay(award_id)
