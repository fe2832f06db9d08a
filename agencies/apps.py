from django.apps import AppConfig


class AgenciesConfig(AppConfig):
    """Outside collection agencies: the agencies themselves, placements of accounts with them and their recall,
    commission and remittances. An app of its own (SPEC 2) because agencies are outside parties with their own
    users and money flows, unlike the internal teams of collections_crm."""

    name = "agencies"
    default_auto_field = "django.db.models.BigAutoField"
