from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('collections_crm', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='team',
            name='postal_address',
            field=models.TextField(blank=True, help_text="Where debtors write to the team: the sender's address on its letters."),
        ),
    ]
