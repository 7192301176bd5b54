"""The "Content editor" group: topics and questions (add, change, publish, restore) and revisions (view)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "Content editor"
PERMISSIONS = {
    "kbase": [
        "view_topic", "add_topic", "change_topic", "restore_topic",
        "view_question", "add_question", "change_question", "publish_question", "restore_question",
        "view_choice", "add_choice", "change_choice", "delete_choice",
    ],
    "reversion": ["view_revision", "view_version"],
}


def create_group(apps, schema_editor):
    # Permissions are normally created after migrate; make sure they exist for a fresh database.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP)
    for app_label, codenames in PERMISSIONS.items():
        permissions = list(Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames))
        assert len(permissions) == len(codenames), f"missing {app_label} permissions"
        group.permissions.add(*permissions)


def delete_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP).delete()


class Migration(migrations.Migration):

    dependencies = [
        ("kbase", "0003_editorial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("reversion", "0002_add_index_on_version_for_content_type_and_db"),
    ]

    operations = [migrations.RunPython(create_group, delete_group)]
