"""Validators for Japanese identifiers."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def corporate_number_check_digit(base12: str) -> int:
    """Check digit of a corporate number (法人番号) from its 12-digit base.

    Rule of the 法人番号の指定等に関する省令 (Cabinet Order No. 111 of 2014), Art. 2: with the
    base digits numbered from the right, weight 1 on odd and 2 on even positions; the check
    digit is 9 minus the weighted sum modulo 9.
    """
    total = sum(int(d) * (1 if i % 2 else 2) for i, d in enumerate(reversed(base12), start=1))
    return 9 - total % 9


def validate_corporate_number(value: str) -> None:
    if not isinstance(value, str) or len(value) != 13:
        raise ValidationError(
            _("A corporate number has exactly 13 digits."), code="corporate_number_length"
        )
    if not value.isascii() or not value.isdigit():
        raise ValidationError(
            _("A corporate number contains digits only (0-9)."), code="corporate_number_digits"
        )
    if corporate_number_check_digit(value[1:]) != int(value[0]):
        raise ValidationError(
            _("This corporate number's check digit (its first digit) is wrong."),
            code="corporate_number_check_digit",
        )
