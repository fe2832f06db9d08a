"""Built-in templates have no editor; the built-in payment reminders ship as drafts."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from communications.builtin_reminders import load_builtin_reminders


def add_builtin_reminders(apps, schema_editor):
    load_builtin_reminders(apps.get_model("communications", "MessageTemplate"),
                           apps.get_model("communications", "Cadence"),
                           apps.get_model("communications", "CadenceStep"))


class Migration(migrations.Migration):

    dependencies = [
        ('communications', '0004_cadences'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='messagetemplate',
            name='communications_template_approved_by_another',
        ),
        migrations.AlterField(
            model_name='messagetemplate',
            name='edited_by',
            field=models.ForeignKey(blank=True, help_text='Who changed the wording last; empty for the built-in templates.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddConstraint(
            model_name='messagetemplate',
            constraint=models.CheckConstraint(condition=models.Q(('status', 'draft'), models.Q(('approved_by__isnull', False), ('edited_by__isnull', True)), models.Q(('approved_by__isnull', False), models.Q(('approved_by', models.F('edited_by')), _negated=True)), _connector='OR'), name='communications_template_approved_by_another', violation_error_message='A template is approved by someone other than its last editor.'),
        ),
        migrations.RunPython(add_builtin_reminders, migrations.RunPython.noop),
    ]
