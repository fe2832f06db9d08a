from django.db import migrations

from collections_crm.migration_operations import append_only


class Migration(migrations.Migration):
    dependencies = [("compliance", "0001_initial")]

    operations = [append_only("compliance_auditevent")]
