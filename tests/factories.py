import factory
from factory.django import DjangoModelFactory

from portal.models import Division, Organisation, Role, User
from portal.validators import corporate_number_check_digit


def _corporate_number(n: int) -> str:
    base = f"{n:012d}"
    return f"{corporate_number_check_digit(base)}{base}"


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = Organisation

    name_ja = factory.Sequence(lambda n: f"テスト株式会社{n}")
    name_en = factory.Sequence(lambda n: f"Test Corporation {n}")
    address = "東京都千代田区霞が関1-3-1"
    corporate_number = factory.Sequence(lambda n: _corporate_number(700000000000 + n))


class DivisionFactory(DjangoModelFactory):
    class Meta:
        model = Division
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"div{n}")
    name_ja = factory.Sequence(lambda n: f"テスト課{n}")
    name_en = factory.Sequence(lambda n: f"Test Division {n}")


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.jp")
    password = factory.PostGenerationMethodCall("set_password", "pw-test-2025")
    role = Role.EXPORTER
    organisation = factory.SubFactory(OrganisationFactory)
    division = None

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class ExporterFactory(UserFactory):
    role = Role.EXPORTER


class OfficerFactory(UserFactory):
    role = Role.OFFICER
    organisation = None
    division = factory.SubFactory(DivisionFactory)


class SupervisorFactory(OfficerFactory):
    role = Role.SUPERVISOR


class AdministratorFactory(UserFactory):
    role = Role.ADMINISTRATOR
    organisation = None
    is_staff = True
