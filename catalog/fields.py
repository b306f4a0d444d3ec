"""A model field for the code of a catalog transaction type."""

from __future__ import annotations

from functools import partialmethod
from typing import Any

from django.db import models


def _transaction_type_display(instance: models.Model, *, field: models.Field) -> str:
    from .selectors import transaction_type_name

    code = getattr(instance, field.attname)
    return transaction_type_name(code) if code else ""


class TransactionTypeField(models.CharField):
    """The code of a transaction type (api.md), stored as text.

    The types are catalog data with effective dates, so the field has no fixed choices: the
    forms, the API and the services check a code against the types in force on the planned
    contract date. Like a field with choices, it gives the model `get_<name>_display()`: the
    type's name in the reader's language.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 40)
        super().__init__(*args, **kwargs)

    def contribute_to_class(self, cls: Any, name: str, *args: Any, **kwargs: Any) -> None:
        super().contribute_to_class(cls, name, *args, **kwargs)
        display = f"get_{self.name}_display"
        if display not in cls.__dict__:
            setattr(cls, display, partialmethod(_transaction_type_display, field=self))
