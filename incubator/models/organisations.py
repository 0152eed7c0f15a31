from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.identifiers import validate_uscc
from core.invitations import InvitationBase, new_nonce  # noqa: F401  (the first migration refers to new_nonce here)
from core.models import BilingualNameMixin
from core.private_files import private_storage, unguessable_name
from incubator.divisions import division_code_problems, village_kind


class AreaQuerySet(models.QuerySet):
    def current(self):
        """Units in the latest imported edition: the only ones offered for new input."""
        return self.filter(retired_in__isnull=True)

    def retired(self):
        return self.filter(retired_in__isnull=False)


class Area(BilingualNameMixin):
    """A division of the national statistics bureau's codes (统计用区划代码), imported from its
    yearly file by ``manage.py import_divisions``, never typed by hand (``incubator.divisions``).

    A unit absent from a later edition is retired, not deleted: organisations, applications and
    panels that point at it keep pointing at it (shown with a note), new input cannot choose it.
    """

    class Level(models.TextChoices):
        PROVINCE = "province", _("Province")
        CITY = "city", _("City")
        DISTRICT = "district", _("County or district")
        TOWN = "town", _("Town or street")
        VILLAGE = "village", _("Village or community")

    class Kind(models.TextChoices):
        """A village-level unit's kind, read from its code."""

        RESIDENTS = "residents", _("Residents' committee")
        VILLAGE = "village", _("Village committee")
        OTHER = "other", _("Other village-level unit")

    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    # The 12-digit national code. Empty only for a retired row that was never found in the
    # bureau's file (invented by an early seed); a unit's code never changes once imported.
    # NULL, not "", so that several unknown codes stay unique.
    code = models.CharField(_("division code"), max_length=12, unique=True, null=True, blank=True)
    population = models.PositiveIntegerField(_("residents"), null=True, blank=True)
    first_seen_in = models.PositiveSmallIntegerField(_("first in edition"), null=True, blank=True)
    last_seen_in = models.PositiveSmallIntegerField(_("last in edition"), null=True, blank=True)
    retired_in = models.PositiveSmallIntegerField(
        _("retired in edition"), null=True, blank=True, help_text=_("Empty while the unit is current.")
    )
    replaced_by = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="replaces",
        verbose_name=_("replaced by"),
    )

    objects = AreaQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("area")
        verbose_name_plural = _("areas")
        indexes = [models.Index(fields=["level", "parent"])]

    def __str__(self):
        if self.retired_in:
            return _("%(name)s (retired)") % {"name": self.name}
        return self.name

    def clean(self):
        super().clean()
        if self.code is None:
            if not self.retired_in:
                raise ValidationError({"code": _("A current area needs its division code.")})
            return
        parent = self.parent
        problems = division_code_problems(
            self.code, self.level, (parent.code or "") if parent else "", parent.level if parent else ""
        )
        if problems:
            raise ValidationError({"code": problems})

    @property
    def is_retired(self) -> bool:
        return self.retired_in is not None

    @property
    def kind(self) -> str:
        """Residents' or village committee (from the code's village part); "" above villages."""
        if self.level != self.Level.VILLAGE or not self.code:
            return ""
        return village_kind(self.code)

    def get_kind_display(self) -> str:
        return self.Kind(self.kind).label if self.kind else ""


def mask_account_number(number: str) -> str:
    """``•••• 1234``: what pages, audit messages and emails show of a bank account number."""
    return "•••• " + number[-4:] if number else ""


def logo_upload_to(instance, filename: str) -> str:
    return unguessable_name("org-logos", filename)


class Organisation(BilingualNameMixin):
    """A legal-aid NGO. Only `verified` organisations are public or may apply."""

    class LegalForm(models.TextChoices):
        SOCIAL_GROUP = "social_group", _("Social group")
        PRIVATE_NON_ENTERPRISE = "private_non_enterprise", _("Private non-enterprise unit")
        FOUNDATION = "foundation", _("Foundation")
        COMMUNITY_GROUP = "community_group", _("Community group (filed with the street office)")

    class FieldType(models.TextChoices):
        HUB = "hub", _("Hub")
        GRASSROOTS = "grassroots", _("Grassroots")
        INDUSTRY = "industry", _("Industry association")
        PROFESSIONAL = "professional", _("Professional")
        NETWORK = "network", _("Network")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        VERIFIED = "verified", _("Verified")
        RETURNED = "returned", _("Returned")

    class Grade(models.TextChoices):
        NONE = "", _("Not graded")
        A3 = "3A", "3A"
        A4 = "4A", "4A"
        A5 = "5A", "5A"

    # Entered through core.identifiers.USCCFormField (the portal's and the back office's forms
    # name it), which normalises pasted codes; stored canonical, checked by validate_uscc.
    uscc = models.CharField(_("unified social credit code"), max_length=18, blank=True, validators=[validate_uscc])
    legal_form = models.CharField(_("legal form"), max_length=30, choices=LegalForm.choices)
    field_type = models.CharField(_("field type"), max_length=20, choices=FieldType.choices)
    registration_date = models.DateField(_("registration date"), null=True, blank=True)
    registration_authority = models.CharField(_("registration authority"), max_length=200, blank=True)
    district = models.ForeignKey(
        Area, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("district")
    )
    town = models.ForeignKey(
        Area, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("town or street")
    )
    community = models.ForeignKey(
        Area,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("village or community"),
    )
    service_areas = models.ManyToManyField(Area, blank=True, related_name="served_by", verbose_name=_("areas served"))
    legal_representative = models.CharField(_("legal representative"), max_length=100, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=100, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    contacts_public = models.BooleanField(_("show contact details publicly"), default=False)
    address = models.CharField(_("address"), max_length=300, blank=True)
    website = models.URLField(_("website"), blank=True)
    mission = models.TextField(_("mission"), blank=True, max_length=2_000)
    services = models.ManyToManyField(
        "incubator.ServiceItem", blank=True, related_name="organisations", verbose_name=_("services offered")
    )
    staff_full_time = models.PositiveIntegerField(_("full-time staff"), default=0)
    staff_volunteers = models.PositiveIntegerField(_("volunteers"), default=0)
    staff_lawyers = models.PositiveIntegerField(_("lawyers"), default=0)
    logo = models.ImageField(_("logo"), upload_to=logo_upload_to, storage=private_storage, blank=True)
    bank_name = models.CharField(_("bank"), max_length=200, blank=True)
    bank_account_name = models.CharField(_("account name"), max_length=200, blank=True)
    bank_account_number = models.CharField(_("account number"), max_length=40, blank=True)
    stripe_account_id = models.CharField(_("Stripe connected account"), max_length=64, blank=True)
    grade = models.CharField(_("assessed grade"), max_length=2, choices=Grade.choices, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    # The officer's latest reason for returning it; every reason stays in the audit history.
    returned_reason = models.TextField(_("reason for return"), blank=True, max_length=2_000)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("verified by"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, through="Membership", related_name="organisations")

    class Meta:
        ordering = ["name_zh"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            # One organisation per USCC; community groups have none.
            models.UniqueConstraint(fields=["uscc"], condition=~models.Q(uscc=""), name="unique_organisation_uscc"),
        ]

    @property
    def masked_bank_account(self) -> str:
        return mask_account_number(self.bank_account_number)

    @property
    def is_verified(self) -> bool:
        return self.status == self.Status.VERIFIED

    @property
    def is_registered(self) -> bool:
        """Registered with the civil-affairs bureau (has a USCC), not only filed."""
        return self.legal_form != self.LegalForm.COMMUNITY_GROUP


class Membership(models.Model):
    class Role(models.TextChoices):
        OWNER = "owner", _("Owner")
        ADMIN = "admin", _("Admin")
        MEMBER = "member", _("Member")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    joined_at = models.DateTimeField(auto_now_add=True)
    # Kept (not deleted) when someone leaves: "is or was a member" matters for conflicts.
    left_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "user"], condition=models.Q(left_at__isnull=True), name="one_active_membership"
            ),
        ]

    def __str__(self):
        return f"{self.user} @ {self.organisation} ({self.role})"

    @property
    def is_active(self) -> bool:
        return self.left_at is None


class Invitation(InvitationBase):
    """An emailed invitation to join an organisation. The link carries a signed token
    (id + nonce); it expires and works once (core.invitations)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="invitations")
    role = models.CharField(_("role"), max_length=10, choices=Membership.Role.choices, default=Membership.Role.MEMBER)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "email"],
                condition=models.Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="one_open_invitation_per_email",
            ),
        ]

    def __str__(self):
        return f"{self.email} → {self.organisation}"


def document_upload_to(instance, filename: str) -> str:
    return unguessable_name("org-documents", filename)


class OrganisationDocument(models.Model):
    class Kind(models.TextChoices):
        REGISTRATION_CERTIFICATE = "registration_certificate", _("Registration certificate")
        CHARTER = "charter", _("Charter")
        ANNUAL_REPORT = "annual_report", _("Annual report")
        OTHER = "other", _("Other")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200, blank=True)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    file = models.FileField(_("file"), upload_to=document_upload_to, storage=private_storage, max_length=200)
    original_name = models.CharField(_("original file name"), max_length=200, blank=True)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(_("size in bytes"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        ordering = ["kind", "-uploaded_at", "-id"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")

    def __str__(self):
        return self.title or self.get_kind_display()

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


class BankAccountChange(models.Model):
    """A proposed new bank account for a verified organisation, waiting for a second person.

    Four eyes, as for payments: one officer proposes, another programme or finance
    officer confirms (only then are the organisation's bank fields written) or rejects.
    The database refuses a decider who is the proposer and a second pending change.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        CONFIRMED = "confirmed", _("Confirmed")
        REJECTED = "rejected", _("Rejected")
        CANCELLED = "cancelled", _("Cancelled")

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="bank_account_changes",
        verbose_name=_("organisation"),
    )
    bank_name = models.CharField(_("bank"), max_length=200)
    bank_account_name = models.CharField(_("account name"), max_length=200, blank=True)
    bank_account_number = models.CharField(_("account number"), max_length=40)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PENDING)
    proposed_at = models.DateTimeField(_("proposed at"), default=timezone.now)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("proposed by")
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("decided by"),
    )
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        # The table keeps the name it had when the ledger owned it.
        db_table = "payments_bankaccountchange"
        ordering = ["-proposed_at", "-id"]
        verbose_name = _("bank account change")
        verbose_name_plural = _("bank account changes")
        constraints = [
            models.CheckConstraint(
                condition=Q(decided_by__isnull=True) | ~Q(decided_by=models.F("proposed_by")),
                name="bank_change_decider_is_not_proposer",
            ),
            models.UniqueConstraint(
                fields=["organisation"], condition=Q(status="pending"), name="one_pending_bank_change_per_organisation"
            ),
        ]

    def __str__(self):
        return f"{self.organisation} → {self.bank_name} {self.masked_account}"

    @property
    def masked_account(self) -> str:
        return mask_account_number(self.bank_account_number)
