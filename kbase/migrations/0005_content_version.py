from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("kbase", "0004_content_editor_group")]

    operations = [
        migrations.CreateModel(
            name="ContentVersion",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("version", models.PositiveBigIntegerField(default=0)),
            ],
        ),
    ]
