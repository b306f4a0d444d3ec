from django.apps import AppConfig


class ApiTokensConfig(AppConfig):
    """Named API tokens for companies' systems, stored hashed."""

    name = "apitokens"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Registers the OpenAPI extension of the authentication class with drf-spectacular.
        from . import schema  # noqa: F401
