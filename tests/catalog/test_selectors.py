import time_machine
from django.utils import timezone

from catalog import selectors, services
from catalog.models import Technology
from tests import factories

from .helpers import D, jst, make_report, technology_data

TEN_CODES = {
    "mlcc",
    "saw_baw_filter",
    "electrolytic_copper_foil",
    "dielectric_film",
    "barium_titanate_powder",
    "carbon_fiber",
    "silicon_carbide_fiber",
    "photoresist",
    "nonferrous_target",
    "electron_microscope",
}


def codes(rows):
    return {t.code for t in rows}


def test_the_ten_technologies_are_in_force_from_2024_12_30(catalog):
    assert codes(selectors.technologies_in_force(D(2025, 6, 1))) == TEN_CODES
    assert codes(selectors.technologies_in_force(D(2024, 12, 30))) == TEN_CODES
    assert codes(selectors.technologies_in_force(D(2024, 12, 29))) == set()
    assert codes(selectors.technologies_in_force(D(2024, 11, 1))) == set()


def test_technology_for_code_on(catalog):
    mlcc = selectors.technology_for_code_on("mlcc", D(2025, 6, 1))
    assert mlcc is not None and mlcc.code == "mlcc"
    assert selectors.technology_for_code_on("mlcc", D(2024, 11, 1)) is None
    assert selectors.technology_for_code_on("no_such_code", D(2025, 6, 1)) is None


def test_an_added_technology_is_offered_from_its_effective_date_and_not_before(catalog):
    admin = factories.AdministratorFactory()
    with time_machine.travel(jst(2026, 3, 1), tick=False):
        services.technology_create(actor=admin, data=technology_data())
        today = timezone.localdate()
        assert "power_semiconductor" not in codes(selectors.technologies_in_force(today))
        assert selectors.technology_for_code_on("power_semiconductor", today) is None
        assert codes(selectors.technologies_upcoming()) == {"power_semiconductor"}
    # Japan time decides the day: 23:59 on the eve is still before, midnight is the day.
    with time_machine.travel(jst(2026, 3, 31, 23, 59), tick=False):
        assert "power_semiconductor" not in codes(
            selectors.technologies_in_force(timezone.localdate())
        )
    with time_machine.travel(jst(2026, 4, 1, 0, 0), tick=False):
        in_force = codes(selectors.technologies_in_force(timezone.localdate()))
        assert in_force == {*TEN_CODES, "power_semiconductor"}
        assert codes(selectors.technologies_upcoming()) == set()


def test_a_retired_technology_is_not_in_force_after_its_last_day(catalog):
    admin = factories.AdministratorFactory()
    mlcc = Technology.objects.get(code="mlcc")
    with time_machine.travel(jst(2026, 3, 1), tick=False):
        services.technology_retire(actor=admin, technology=mlcc, effective_to=D(2026, 3, 31))
    assert selectors.technology_for_code_on("mlcc", D(2026, 3, 31)) is not None
    assert selectors.technology_for_code_on("mlcc", D(2026, 4, 1)) is None
    assert "mlcc" not in codes(selectors.technologies_in_force(D(2026, 4, 1)))
    assert len(selectors.technologies_in_force(D(2026, 4, 1))) == 9


def test_technology_for_code_on_picks_the_version_in_force(catalog):
    admin = factories.AdministratorFactory()
    old = Technology.objects.get(code="mlcc")
    with time_machine.travel(jst(2026, 3, 1), tick=False):
        services.technology_retire(actor=admin, technology=old, effective_to=D(2026, 3, 31))
        new = services.technology_add_version(
            actor=admin,
            technology=old,
            data=technology_data(scope_en="Narrower scope", effective_from=D(2026, 4, 1)),
        )
    assert selectors.technology_for_code_on("mlcc", D(2026, 3, 31)) == old
    assert selectors.technology_for_code_on("mlcc", D(2026, 4, 1)) == new
    assert [t.pk for t in selectors.technology_versions("mlcc")] == [old.pk, new.pk]


def test_technology_list_gives_each_version_its_status(catalog):
    admin = factories.AdministratorFactory()
    with time_machine.travel(jst(2026, 3, 1), tick=False):
        services.technology_create(actor=admin, data=technology_data())
        services.technology_retire(
            actor=admin, technology=Technology.objects.get(code="mlcc"), effective_to=D(2026, 3, 1)
        )
    statuses = {t.code: t.status for t in selectors.technology_list(today=D(2026, 3, 2))}
    assert statuses["power_semiconductor"] == "upcoming"
    assert statuses["mlcc"] == "retired"
    assert statuses["carbon_fiber"] == "in_force"
    retired = selectors.technology_list(status="retired", today=D(2026, 3, 2))
    assert codes(retired) == {"mlcc"}


def test_technology_in_use_and_last_use_date(catalog):
    mlcc = Technology.objects.get(code="mlcc")
    assert selectors.technology_in_use(mlcc) is False
    assert selectors.technology_last_use_date(mlcc) is None
    make_report(mlcc, D(2026, 5, 1))
    make_report(mlcc, D(2026, 7, 15))
    assert selectors.technology_in_use(mlcc) is True
    assert selectors.technology_last_use_date(mlcc) == D(2026, 7, 15)


def test_country_search_by_code_or_name(catalog):
    assert next(c.code for c in selectors.country_search(query="de")) == "DE"
    assert "FR" in {c.code for c in selectors.country_search(query="france")}
    assert "CN" in {c.code for c in selectors.country_search(query="中国")}
    exempt = {c.code for c in selectors.country_search(exempt="yes")}
    assert {"US", "GB", "KR"} <= exempt and "CN" not in exempt
