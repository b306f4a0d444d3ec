"""The case list and the case page read a constant number of queries, however many cases,
messages and files there are."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from compliance import services
from dialogue.models import MessageKind

from .helpers import evidence, guided_case
from .test_views import client_for

pytestmark = pytest.mark.django_db


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("who", ["officer", "exporter"])
def test_the_list_does_not_grow_with_the_cases(people, who):
    guided_case(people.officer, people.exporter)
    client = client_for(getattr(people, who))
    few = _queries(client, reverse("compliance:list"))
    for _ in range(4):
        guided_case(people.officer, people.exporter)
    assert _queries(client, reverse("compliance:list")) == few


def test_the_case_page_does_not_grow_with_the_thread(people):
    case = guided_case(people.officer, people.exporter)

    def post(author, kind):
        services.case_message_post(
            actor=author, case_id=case.pk, kind=kind, body="本文", files=[evidence()]
        )

    post(people.exporter, MessageKind.ANSWER)
    client = client_for(people.officer)
    url = reverse("compliance:detail", args=[case.pk])
    _queries(client, url)  # the first view marks the thread read
    few = _queries(client, url)
    for _ in range(3):
        post(people.exporter, MessageKind.QUESTION)
        post(people.officer, MessageKind.ADVICE)
    _queries(client, url)
    assert _queries(client, url) == few
