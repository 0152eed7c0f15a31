"""Django's ModelBackend, with each user's permissions kept under the data version.

Every back-office page asks `user.has_perm` (the MFA middleware, Wagtail's menu and
views), and ModelBackend answers the first question of a request with two queries (the
user's own permissions, their groups'). The answer is kept per user under the data
version (accounts.data_version): adding or removing a user's group or permission, or a
group's permission, sends `m2m_changed` and bumps it, as does saving or deleting a group
or a permission. Writes that bypass the signals are caught by the entries' short life.
`is_active` is still read from the user's row on every request, as ModelBackend does.
"""

from django.contrib.auth.backends import ModelBackend

from accounts import data_version


class CachedPermissionsBackend(ModelBackend):
    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):

            def compute():
                return ModelBackend.get_all_permissions(self, user_obj)

            # A superuser's answer is every permission: keyed apart, so a change of the flag,
            # even by an update() that sends no signal, never reads the other's answer.
            user_obj._perm_cache = data_version.per_user(
                "permissions", user_obj, user_obj.is_superuser, compute=compute
            )
        return user_obj._perm_cache
