"""Messages, files and read markers hang on a thread only (the data moved in 0004; a separate
migration because PostgreSQL refuses to alter a table with pending trigger events)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("dialogue", "0004_threads_own_messages"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="threadread", name="thread_read_once"),
        migrations.RemoveIndex(model_name="message", name="message_report_id"),
        migrations.RemoveField(model_name="message", name="report"),
        migrations.RemoveField(model_name="attachment", name="report"),
        migrations.RemoveField(model_name="threadread", name="report"),
        migrations.AlterField(
            model_name="message",
            name="thread",
            field=models.ForeignKey(
                db_index=False, on_delete=django.db.models.deletion.CASCADE,
                related_name="messages", to="dialogue.thread",
            ),
        ),
        migrations.AlterField(
            model_name="attachment",
            name="thread",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="attachments", to="dialogue.thread",
            ),
        ),
        migrations.AlterField(
            model_name="threadread",
            name="thread",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE, related_name="reads", to="dialogue.thread"
            ),
        ),
        migrations.AddIndex(
            model_name="message",
            index=models.Index(fields=["thread", "id"], name="message_thread_id"),
        ),
        migrations.AddConstraint(
            model_name="threadread",
            constraint=models.UniqueConstraint(fields=("user", "thread"), name="thread_read_once_per_user"),
        ),
    ]
