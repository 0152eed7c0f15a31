from django.apps import AppConfig


class AwardsConfig(AppConfig):
    """Awards and agreements, milestone reports and two-way evaluation."""

    name = "grants.awards"
    label = "awards"
    verbose_name = "Awards"

    def ready(self):
        # Awards sits above calls and review: it tells them what it knows and does.
        from accounts.dashboard import register, register_tasks
        from grants.awards import selectors, services
        from grants.awards.dashboard import award_links, award_tasks
        from grants.calls import eligibility
        from grants.review.services import announcements

        register(award_links)
        register_tasks(award_tasks)
        eligibility.register_grant_history(
            overdue_reports=selectors.organisation_has_overdue_reports,
            active_grants=selectors.organisation_active_grant_count,
        )
        announcements.on_results_final(services.create_awards_for_call)

        # A grant is one kind of three-party evaluation case; service purchasing registers another.
        from grants.awards.evaluation import registry
        from grants.calls.permissions import is_programme_officer_of

        def funder_officer(user, case):
            return case.funder_id is not None and is_programme_officer_of(user, case.funder_id)

        registry.register_subject_kind(
            "award",
            is_purchaser=funder_officer,
            is_manager=funder_officer,
            publish_problems=services.evaluation_publish_problems,
        )
        registry.on_evaluation_graded(services.award_evaluated, kind="award")

        # How its audit events read, and the History pages staff may open (core.audit, core.history).
        from grants.awards.audit_labels import register_audit

        register_audit()
