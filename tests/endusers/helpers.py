from pathlib import Path

from django.conf import settings

from endusers import services

SAMPLE_CSV = Path(settings.BASE_DIR) / "fixtures" / "end_user_list_sample.csv"
HEADER = "Country or Region,Company or Organization,Also Known As,Type of WMD\n"


def sample_bytes() -> bytes:
    return SAMPLE_CSV.read_bytes()


def upload(admin, text: str | bytes, name: str = "list.csv"):
    content = text.encode("utf-8") if isinstance(text, str) else text
    return services.list_version_upload(actor=admin, file_name=name, content=content)


def apply_list(admin, text: str | bytes, name: str = "list.csv"):
    """Upload and apply a version (screening of open reports runs eagerly on commit)."""
    version = upload(admin, text, name)
    return services.list_version_apply(actor=admin, version_id=version.pk)
