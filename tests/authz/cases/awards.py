"""The NGO grant portal (/grants/awards/) and the officers' awards back office (/admin/awards/).

An award's pages answer 404 to everyone who is not a member of the grantee (officers use
the back office). In the back office, officers see only their funders' awards (404
otherwise); the world's programme officer works for the funder here, the finance
officer does not.
"""

import datetime

from django.core.files.base import ContentFile

from grants.awards.models import AwardMilestone, ReportEvidence
from tests.authz.cases.incubator import members_only
from tests.authz.matrix import ALLOW, Case, signed_in, staff_only
from tests.factories.awards import AwardFactory, FinalCallFactory, FunderFactory, ReportFactory, milestone
from tests.factories.files import pdf_bytes
from tests.factories.incubator import image_bytes


def cases(world):
    funder = FunderFactory(officers=[world.users["programme_officer"]])
    ours = {"application__organisation": world.ngo_org}  # one application per call and organisation
    offered = AwardFactory(application__call=FinalCallFactory(funder=funder), **ours)
    active = AwardFactory(application__call=FinalCallFactory(funder=funder), active=True, **ours)
    reviewed = AwardFactory(application__call=FinalCallFactory(funder=funder), active=True, **ours)
    midterm = milestone(active)
    draft = ReportFactory(milestone=midterm, complete=True)
    evidence = ReportEvidence.objects.create(
        report=draft, kind="photo", original_name="session.jpg", content_type="image/jpeg", size=10
    )
    evidence.file.save("session.jpg", ContentFile(image_bytes()), save=True)
    submitted = ReportFactory(milestone=milestone(reviewed), submitted=True, complete=True)
    to_return = ReportFactory(milestone=milestone(reviewed, AwardMilestone.Kind.FINAL), submitted=True, complete=True)
    officer_evidence = ReportEvidence.objects.create(
        report=submitted, kind="file", original_name="sheet.pdf", content_type="application/pdf", size=10
    )
    officer_evidence.file.save("sheet.pdf", ContentFile(pdf_bytes()), save=True)
    first_line, second_line = reviewed.budget_lines.order_by("position")

    report_kwargs = {"pk": active.pk, "milestone_pk": midterm.pk}
    funder_staff = staff_only()  # the finance officer here works for no funder: 403
    return [
        Case("awards:award_list", signed_in()),
        Case("awards:award_detail", members_only(), kwargs={"pk": active.pk}),
        Case("awards:agreement_pdf", members_only(), kwargs={"pk": active.pk}),
        Case("awards:agreement", members_only(), kwargs={"pk": offered.pk}),
        Case(
            "awards:agreement",
            members_only(),
            kwargs={"pk": offered.pk},
            method="post",
            note="the owner accepts; the second time round the member is sent back with a message",
        ),
        Case("awards:report_edit", members_only(), kwargs=report_kwargs),
        Case(
            "awards:report_edit",
            members_only(),
            kwargs=report_kwargs,
            method="post",
            data={"narrative": "Sessions held.", "version": ""},
        ),
        Case(
            "awards:report_submit",
            members_only(),
            kwargs=report_kwargs,
            method="post",
            note="the report lacks KPI figures after the save above: back to the form with the reasons",
        ),
        Case(
            "awards:evidence_upload",
            members_only(),
            kwargs=report_kwargs,
            method="post",
            note="no file: the form is shown again with the error",
        ),
        Case("awards:evidence_file", members_only(), kwargs={**report_kwargs, "evidence_pk": evidence.pk}),
        Case(
            "awards:evidence_delete",
            members_only(),
            kwargs={**report_kwargs, "evidence_pk": evidence.pk},
            method="post",
        ),
        Case("awards:rate_funder", members_only(), kwargs={"pk": active.pk}),
        Case(
            "awards:rate_funder",
            members_only(),
            kwargs={"pk": active.pk},
            method="post",
            data={"guidance": 5, "service": 4, "intervention": 4, "payment_timeliness": 3},
        ),
        # --- Back office ---
        Case("awards_admin_list", staff_only(finance_officer=ALLOW)),
        Case("awards_admin_detail", funder_staff, kwargs={"pk": active.pk}),
        Case("awards_admin_agreement_pdf", funder_staff, kwargs={"pk": offered.pk}),
        Case(
            "awards_admin_extend",
            funder_staff,
            kwargs={"pk": active.pk},
            method="post",
            data={"ends_on": (active.ends_on + datetime.timedelta(days=30)).isoformat(), "reason": "Floods"},
        ),
        Case(
            "awards_admin_budget",
            funder_staff,
            kwargs={"pk": reviewed.pk},
            method="post",
            data={
                "reason": "More sessions",
                f"line_{first_line.pk}": str(first_line.amount - 100),
                f"line_{second_line.pk}": str(second_line.amount + 100),
            },
        ),
        Case("awards_admin_evaluate", funder_staff, kwargs={"pk": reviewed.pk}),
        Case("awards_admin_reports", staff_only(finance_officer=ALLOW)),
        Case("awards_admin_report", funder_staff, kwargs={"pk": submitted.pk}),
        Case("awards_admin_evidence", funder_staff, kwargs={"pk": officer_evidence.pk}),
        Case("awards_admin_report_accept", funder_staff, kwargs={"pk": submitted.pk}, method="post"),
        Case(
            "awards_admin_report_return",
            funder_staff,
            kwargs={"pk": to_return.pk},
            method="post",
            data={"comment": "Add the attendance sheets."},
        ),
        Case("awards_admin_ratings", staff_only(finance_officer=ALLOW)),
    ]
