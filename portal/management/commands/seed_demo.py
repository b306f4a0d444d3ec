import datetime
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from catalog.loading import load_catalog
from catalog.selectors import technology_for_code_on
from compliance import services as compliance_services
from compliance.models import ComplianceCase
from consultations.models import GeneralDesk
from endusers import services as enduser_services
from endusers.models import ListVersion
from portal.models import Division, Organisation, OrganisationRole, Role, User

DEMO_PASSWORD = "demo-pass-2025"  # noqa: S105 - development-only demo accounts (api.md)

ORGANISATIONS = {
    "A": {
        "corporate_number": "1010001000006",
        "name_ja": "デモ電子工業株式会社",
        "name_en": "Demo Electronics Industries Co., Ltd.",
        "address": "東京都千代田区霞が関一丁目3番1号",
    },
    "B": {
        "corporate_number": "2010001000005",
        "name_ja": "サンプル素材株式会社",
        "name_en": "Sample Materials Corporation",
        "address": "大阪府大阪市北区中之島二丁目1番1号",
    },
}

USERS = [
    ("exporter_a", Role.EXPORTER, "A", None, "山田", "花子"),
    ("exporter_b", Role.EXPORTER, "B", None, "佐藤", "健"),
    ("officer_elec", Role.OFFICER, None, "elec", "鈴木", "一郎"),
    ("officer_mat", Role.OFFICER, None, "mat", "高橋", "美咲"),
    ("supervisor_elec", Role.SUPERVISOR, None, "elec", "田中", "誠"),
    ("supervisor_elec2", Role.SUPERVISOR, None, "elec", "伊藤", "直子"),
    # A shared administrator account: its name is given whole, not split into family and
    # given names (which would read "管理 者").
    ("admin", Role.ADMINISTRATOR, None, None, "管理者", ""),
]
# Each of these manages its organisation's members (/organisations/members/).
ORGANISATION_ADMINISTRATORS = {"exporter_a"}


class Command(BaseCommand):
    help = "Create the demo organisations, divisions and accounts of api.md (idempotent)."

    @transaction.atomic
    def handle(self, *args, **options):
        load_catalog()
        orgs = {}
        for key, values in ORGANISATIONS.items():
            orgs[key], _ = Organisation.objects.get_or_create(
                corporate_number=values["corporate_number"], defaults=values
            )
        created = 0
        for username, role, org, division, last, first in USERS:
            if User.objects.filter(username=username).exists():
                # Earlier seeds split the administrator's name: give the name as above.
                User.objects.filter(username=username, last_name="管理", first_name="者").update(
                    last_name=last, first_name=first
                )
                continue
            user = User(
                username=username,
                role=role,
                organisation=orgs[org] if org else None,
                division=Division.objects.get(code=division) if division else None,
                organisation_role=(
                    OrganisationRole.ADMINISTRATOR
                    if username in ORGANISATION_ADMINISTRATORS
                    else OrganisationRole.MEMBER
                ),
                last_name=last,
                first_name=first,
                email=f"{username}@demo.example.jp",
                is_staff=role == Role.ADMINISTRATOR,
                is_superuser=role == Role.ADMINISTRATOR,
            )
            user.set_password(DEMO_PASSWORD)
            user.full_clean()
            user.save()
            created += 1
        # Consultations naming no technology go to a general desk; the demo's is the elec
        # division (administrators change it at /consultations/desk/). Never overwritten.
        GeneralDesk.objects.get_or_create(
            pk=1, defaults={"division": Division.objects.get(code="elec")}
        )
        # The invented End User List sample (fixtures/), applied once if no version exists, so
        # that demo reports to its companies are screened. Never the real list.
        if not ListVersion.objects.exists():
            sample = Path(settings.BASE_DIR) / "fixtures" / "end_user_list_sample.csv"
            admin = User.objects.get(username="admin")
            preview = enduser_services.list_version_upload(
                actor=admin, file_name=sample.name, content=sample.read_bytes()
            )
            enduser_services.list_version_apply(actor=admin, version_id=preview.pk)
        # One compliance case for organisation A, opened with guidance awaiting its answer, so
        # that /compliance/ has something to show. Made once, through the services.
        if not ComplianceCase.objects.exists():
            officer = User.objects.get(username="officer_elec")
            today = timezone.localdate()
            case = compliance_services.case_create(
                actor=officer,
                organisation_id=orgs["A"].pk,
                technology_id=technology_for_code_on("mlcc", today).pk,
                transfer_date=today - datetime.timedelta(days=20),
                facts="業界紙の報道により、事前報告なしに積層セラミックコンデンサの製造技術が"
                "海外子会社へ提供されたことが判明した。",
            )
            compliance_services.case_open(actor=officer, case_id=case.pk)
            compliance_services.case_issue_guidance(
                actor=officer,
                case_id=case.pk,
                measures="事前報告の社内手続を整備し、提供済みの技術の管理状況を報告すること。",
                answer_due=today + datetime.timedelta(days=14),
            )
        self.stdout.write(f"seed_demo: {created} accounts created")
