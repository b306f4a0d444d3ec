import pytest
from django.core.exceptions import ValidationError

from portal.validators import corporate_number_check_digit, validate_corporate_number


@pytest.mark.parametrize(
    "number",
    ["7000012050002", "1010001000006", "2010001000005"],
)
def test_valid_corporate_numbers_pass(number):
    validate_corporate_number(number)


def test_check_digit_formula_on_published_number():
    # 国税庁's corporate number 7000012050002: base 000012050002 gives check digit 7.
    assert corporate_number_check_digit("000012050002") == 7


@pytest.mark.parametrize(
    ("number", "code"),
    [
        ("8000012050002", "corporate_number_check_digit"),
        ("6000012050002", "corporate_number_check_digit"),
        ("700001205000", "corporate_number_length"),
        ("70000120500021", "corporate_number_length"),
        ("", "corporate_number_length"),
        ("70000120500a2", "corporate_number_digits"),
        ("７000012050002", "corporate_number_digits"),
        ("-000012050002", "corporate_number_digits"),
    ],
)
def test_invalid_corporate_numbers_are_refused(number, code):
    with pytest.raises(ValidationError) as exc:
        validate_corporate_number(number)
    assert exc.value.code == code
