import factory
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from accounts import roles

TEST_PASSWORD = "correct-horse-battery-staple"
TEST_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


class UserFactory(factory.django.DjangoModelFactory):
    """A user with a verified email. `roles=[...]` adds groups; `mfa=True` adds TOTP.

    Staff roles make the user staff. Traits: ngo_member, reviewer, officer, finance, editor.
    """

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    first_name = "Test"
    last_name = factory.Sequence(lambda n: f"User{n}")

    class Meta:
        model = get_user_model()

    class Params:
        ngo_member = factory.Trait(roles=[roles.NGO_MEMBER])
        reviewer = factory.Trait(roles=[roles.REVIEWER], mfa=True)
        officer = factory.Trait(roles=[roles.PROGRAMME_OFFICER], is_staff=True, mfa=True)
        finance = factory.Trait(roles=[roles.FINANCE_OFFICER], is_staff=True, mfa=True)
        editor = factory.Trait(roles=[roles.EDITOR], is_staff=True, mfa=True)

    roles = ()
    mfa = False

    @classmethod
    def _create(cls, model_class, *args, roles=(), mfa=False, **kwargs):
        password = kwargs.pop("password", TEST_PASSWORD)
        user = model_class(*args, **kwargs)
        user.set_password(password)
        user.save()
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
        if roles:
            user.groups.add(*Group.objects.filter(name__in=roles))
        if mfa:
            TOTP.activate(user, TEST_TOTP_SECRET)
        return user


def has_totp(user) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
