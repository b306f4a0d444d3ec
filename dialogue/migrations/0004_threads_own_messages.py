"""Each report that has messages, files or read markers gets its thread; they then hang on the
thread instead of the report."""

import django.db.models.deletion
from django.db import migrations, models


def give_reports_threads(apps, schema_editor):
    Report = apps.get_model("reports", "Report")
    Thread = apps.get_model("dialogue", "Thread")
    Message = apps.get_model("dialogue", "Message")
    Attachment = apps.get_model("dialogue", "Attachment")
    ThreadRead = apps.get_model("dialogue", "ThreadRead")
    report_ids = (
        set(Message.objects.values_list("report_id", flat=True).distinct())
        | set(Attachment.objects.values_list("report_id", flat=True).distinct())
        | set(ThreadRead.objects.values_list("report_id", flat=True).distinct())
    )
    for report_id in sorted(report_ids):
        thread = Thread.objects.create()
        Report.objects.filter(pk=report_id).update(thread=thread)
        Message.objects.filter(report_id=report_id).update(thread=thread)
        Attachment.objects.filter(report_id=report_id).update(thread=thread)
        ThreadRead.objects.filter(report_id=report_id).update(thread=thread)


class Migration(migrations.Migration):
    dependencies = [
        ("dialogue", "0003_thread"),
        ("reports", "0007_report_thread"),
    ]

    operations = [
        migrations.RunPython(give_reports_threads, migrations.RunPython.noop),
    ]
