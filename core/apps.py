from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Core"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from core import choices_display, model_choices
        from core.invitations import accept_pending_invitations

        choices_display.install()  # issue 15: get_FOO_display() keeps each field's choices
        model_choices.install()  # issue 15: a select's options in one query, no server-side cursor

        # One path for every kind of invitation (each registers in its own ready()).
        user_logged_in.connect(accept_pending_invitations, dispatch_uid="core_accept_pending_invitations")
