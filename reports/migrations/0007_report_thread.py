import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("dialogue", "0003_thread"),
        ("reports", "0006_queue_search_trigram"),
    ]

    operations = [
        migrations.AddField(
            model_name="report",
            name="thread",
            field=models.OneToOneField(
                blank=True,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="report",
                to="dialogue.thread",
            ),
        ),
    ]
