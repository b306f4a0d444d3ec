import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db


def _codes(password, user=None):
    with pytest.raises(ValidationError) as refused:
        validate_password(password, user)
    return {error.code for error in refused.value.error_list}


def test_eleven_characters_are_too_short():
    assert "password_too_short" in _codes("a-pw-of-11c")


def test_a_common_password_is_refused_however_long():
    assert _codes("password1234") == {"password_too_common"}


def test_numeric_and_similar_passwords_are_still_refused():
    assert "password_entirely_numeric" in _codes("830571926483")
    user = factories.ExporterFactory.build(username="yamada.taro.corp")
    assert "password_too_similar" in _codes("yamada.taro.corp", user)


@pytest.mark.parametrize("password", ["demo-pass-2025", "pw-test-2025"])
def test_the_demo_and_test_passwords_pass(password):
    validate_password(password)


def test_changing_to_a_short_password_is_refused(client):
    user = factories.ExporterFactory()
    client.force_login(user)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": "pw-test-2025",
            "new_password1": "short-pw-1",
            "new_password2": "short-pw-1",
        },
    )
    assert response.status_code == 200
    user.refresh_from_db()
    assert user.check_password("pw-test-2025")
