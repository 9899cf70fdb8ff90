from django.db import migrations


def create_demo_printer(apps, schema_editor):
    printer_model = apps.get_model("status", "Printer")
    printer_model.objects.get_or_create(
        slug="demo",
        defaults={"name": "Demo printer", "source_kind": "demo", "source_config": {"seed": 0}, "enabled": True},
    )


def remove_demo_printer(apps, schema_editor):
    apps.get_model("status", "Printer").objects.filter(slug="demo", source_kind="demo").delete()


class Migration(migrations.Migration):
    dependencies = [("status", "0002_history_cascade_in_database")]

    operations = [migrations.RunPython(create_demo_printer, remove_demo_printer)]
