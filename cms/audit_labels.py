"""How the public site's audit events read (core.audit)."""

from django.utils.translation import gettext_lazy as _

from core.audit import register_verbs

CMS_VERBS = {
    "showcase.created": _("Showcase drafted"),
    "showcase.photos_imported": _("Photos imported from reports"),
    "donation.received": _("Donation received"),
}


def register_audit() -> None:
    register_verbs(CMS_VERBS)
