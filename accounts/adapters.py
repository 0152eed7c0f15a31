from allauth.account.adapter import DefaultAccountAdapter
from django.utils import translation


class AccountAdapter(DefaultAccountAdapter):
    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=False)
        user.preferred_language = translation.get_language() or "en"
        if commit:
            user.save()
            # Everyone who signs up is an NGO member; other roles are given by staff.
            self.save_user_role(user)
        return user

    def save_user_role(self, user):
        from django.contrib.auth.models import Group

        from accounts.roles import NGO_MEMBER

        user.groups.add(Group.objects.get(name=NGO_MEMBER))
