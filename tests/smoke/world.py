"""The people and objects the staff-page smoke test opens every back-office URL with.

It starts from the authorization world (tests/authz/world.py) and its cases, whose
objects fill the project's custom admin views, then adds the staff roles the matrix has
no column for (editor, administrator) and one object of every kind Wagtail's generic
views need: a page tree in both languages, an image, a document, a workflow under way.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from wagtail.contrib.redirects.models import Redirect
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import (
    Collection,
    GroupApprovalTask,
    Locale,
    Site,
    UploadedFile,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

from cms.models import MainMenu
from grants.awards.models import EvaluationScheme, TrancheTemplate
from incubator.models import ServiceCategory, ServiceItem, Target
from purchasing.delivery.models import AdviserPolicy
from tests.authz.test_matrix import collect_cases
from tests.authz.world import World, build_world
from tests.cms.site import build_site
from tests.factories.accounts import UserFactory
from tests.factories.grants import ApplicationFactory, CallFactory, FunderFactory
from tests.factories.incubator import (
    PDF_BYTES,
    AreaFactory,
    CheckpointFactory,
    CohortFactory,
    IncubateeFactory,
    ProgrammeFactory,
    ServiceLogEntryFactory,
    SubsidyFactory,
    image_bytes,
    policy,
)
from tests.purchasing.contracts.factories import BuyerFactory, ContractFactory, NeedFactory, OfferFactory

ROLES = ("programme_officer", "finance_officer", "editor", "administrator")


@dataclass
class StaffWorld:
    users: dict  # role → user
    authz: World
    authz_cases: list  # tests/authz cases: they fill the project's custom admin views
    objects: dict = field(default_factory=dict)

    def __getattr__(self, name):
        try:
            return self.__dict__["objects"][name]
        except KeyError:
            raise AttributeError(name) from None


def build_staff_world() -> StaffWorld:
    authz = build_world()
    authz_cases = collect_cases(authz)
    officer, finance = authz.users["programme_officer"], authz.users["finance_officer"]
    users = {
        "programme_officer": officer,
        "finance_officer": finance,
        "editor": UserFactory(email="editor@bureau.gov.cn", editor=True),
        "administrator": UserFactory(email="admin@bureau.gov.cn", is_staff=True, is_superuser=True, mfa=True),
    }
    world = StaffWorld(users=users, authz=authz, authz_cases=authz_cases)
    _grants(world, officer, finance)
    _incubator(world)
    _purchasing(world)
    _wagtail(world)
    return world


def _grants(world, officer, finance):
    funder = FunderFactory(officers=[officer, finance])
    call = CallFactory(funder=funder, draft=True)
    world.objects.update(
        funder=funder,
        call=call,
        foreign_call=CallFactory(funder=FunderFactory(), draft=True),
        application=ApplicationFactory(call=CallFactory(funder=funder), submitted=True),
        category=ServiceCategory.objects.get(code="mediation"),
        item=ServiceItem.objects.get(code="neighbourhood-mediation"),
        tranche_template=TrancheTemplate.objects.get(is_default=True),
        evaluation_scheme=EvaluationScheme.objects.get(is_default=True),
    )


def _incubator(world):
    programme = ProgrammeFactory()
    cohort = CohortFactory(programme=programme)
    incubatee = IncubateeFactory(cohort=cohort, incubating=True)
    world.objects.update(
        organisation=world.authz.ngo_org,
        programme=programme,
        cohort=cohort,
        incubatee=incubatee,
        service_log=ServiceLogEntryFactory(incubatee=incubatee),
        checkpoint=CheckpointFactory(incubatee=incubatee),
        subsidy=SubsidyFactory(),
        subsidy_policy=policy("incubation"),
        target=Target.objects.create(metric=Target.Metric.HATCHED, value=Decimal("5"), label="Hatched"),
        area=AreaFactory(),
        adviser_policy=AdviserPolicy.objects.create(year=2026),
    )


def _purchasing(world):
    # Service purchasing (issue 16): one object per back-office viewset.
    buyer = BuyerFactory()
    world.objects.update(
        buyer=buyer,
        offer=OfferFactory(organisation=world.authz.ngo_org, published=True),
        need=NeedFactory(buyer=buyer),
        service_contract=ContractFactory(buyer=buyer, organisation=world.authz.ngo_org, signed=True),
    )


def _wagtail(world):
    tree = build_site()
    admin = world.users["administrator"]
    page = tree.en["standard"]
    page.save_revision(user=admin)  # a draft on top of the published revision
    image = get_image_model().objects.create(title="Smoke picture", file=ContentFile(image_bytes(), "smoke.jpg"))
    document = get_document_model().objects.create(title="Smoke file", file=ContentFile(PDF_BYTES, "smoke.pdf"))
    collection = Collection.get_first_root_node().add_child(name="Smoke collection")

    workflow = Workflow.objects.create(name="Smoke review")
    task = GroupApprovalTask.objects.create(name="Editors approve")
    task.groups.set(Group.objects.filter(name="Editor"))
    WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    workflow_page = tree.en["article"]
    WorkflowPage.objects.create(workflow=workflow, page=workflow_page)
    workflow_page.save_revision(user=admin)
    workflow_state = workflow.start(workflow_page, admin)
    menu = MainMenu.objects.filter(locale__language_code="en").first() or MainMenu.objects.create(
        locale=Locale.objects.get(language_code="en")
    )
    uploads = {
        kind: UploadedFile.objects.create(
            file=ContentFile(content, name),
            for_content_type=ContentType.objects.get_for_model(model),
            uploaded_by_user=admin,
        )
        for kind, model, content, name in (
            ("image", get_image_model(), image_bytes(), "upload.jpg"),
            ("document", get_document_model(), PDF_BYTES, "upload.pdf"),
        )
    }
    alias = tree.en["event"].create_alias(parent=tree.en["news_index"], update_slug="event-alias")
    world.objects.update(
        tree=tree,
        alias=alias,
        page=page,
        home=tree.en["home"],
        other_page=tree.en["news_index"],
        workflow_page=workflow_page,
        image=image,
        document=document,
        collection=collection,
        workflow=workflow,
        task=task,
        workflow_state=workflow_state,
        task_state=workflow_state.current_task_state,
        menu=menu,
        image_upload=uploads["image"],
        document_upload=uploads["document"],
        locale=Locale.objects.get(language_code="zh-hans"),
        site=Site.objects.get(is_default_site=True),
        group=Group.objects.get(name="Editor"),
        redirect=Redirect.objects.create(old_path="/old-smoke-page", redirect_link="/en/"),
        ngo_user=world.authz.users["ngo_member"],
    )
