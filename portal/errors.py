"""Domain errors raised by services and understood by pages and the API alike."""

from django.utils.translation import gettext_lazy as _


class InvalidTransition(Exception):
    """The object's current state does not allow the action (API: 409)."""

    def __init__(self, status: str, message=None):
        self.status = status
        self.message = message or _("This action is not allowed in the current state.")
        super().__init__(str(self.message))
