"""Who changed a template's wording since its last approval; none of them approves it."""

from django.conf import settings
from django.db import migrations, models


def drafts_have_their_editor_as_author(apps, schema_editor):
    MessageTemplate = apps.get_model("communications", "MessageTemplate")
    for template in MessageTemplate.objects.filter(status="draft", edited_by__isnull=False):
        template.authors.add(template.edited_by_id)


class Migration(migrations.Migration):

    dependencies = [
        ('communications', '0005_builtin_reminders'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='messagetemplate',
            name='authors',
            field=models.ManyToManyField(blank=True, help_text='Everyone who changed the wording since it was last approved: none of them approves it.', related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.RunPython(drafts_have_their_editor_as_author, migrations.RunPython.noop),
    ]
