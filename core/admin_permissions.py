"""Permission policies for the Wagtail admin's generic views."""

from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy


class NoAddPermissionPolicy(ModelPermissionPolicy):
    """The model's objects are born in their own workflow (an NGO applies, requests a
    subsidy, joins a cohort), never from the admin's "Add" form, which could not fill
    what that workflow fills; everything else follows the model's permissions."""

    def user_has_permission(self, user, action):
        return action != "add" and super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)


def register_no_add_policy(*models) -> None:
    """Call before the models' viewsets are registered (at import of the viewsets module)."""
    for model in models:
        register_permission_policy(model, NoAddPermissionPolicy(model), exact_class=True)
