"""The legal-basis wording of the two notices, as first shipped. Administrators keep it at
/compliance/wording/ afterwards; this migration never overwrites what they wrote."""

from django.db import migrations

WORDING = {
    "guidance": (
        "外国為替及び外国貿易法第55条の8の規定による事前報告が行われないまま技術の提供が"
        "行われたことを踏まえ、同法に基づき、下記のとおり指導及び助言を行う。"
    ),
    "order": (
        "外国為替及び外国貿易法第55条の8の規定による事前報告が行われないまま技術の提供が"
        "行われ、指導及び助言を経てもなお改善が認められないことから、同法に基づき、"
        "下記のとおり改善を命ずる。"
    ),
}


def seed(apps, schema_editor):
    NoticeWording = apps.get_model("compliance", "NoticeWording")
    for kind, text in WORDING.items():
        NoticeWording.objects.get_or_create(kind=kind, defaults={"legal_basis": text})


class Migration(migrations.Migration):
    dependencies = [("compliance", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
