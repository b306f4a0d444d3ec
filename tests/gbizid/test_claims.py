"""The claim mapping (settings.GBIZID_CLAIMS): gBizID's names by default, changeable."""

from gbizid.claims import identity_from_claims
from tests.gbizid.provider.harness import corporate_number

ISSUER = "https://gbiz-id.example/oauth/"

# A userinfo answer as the guideline's summary describes it (merged with the ID token's sub).
PRIME_CLAIMS = {
    "sub": "1242",
    "account_type": 2,
    "corp_type": 1,
    "corporate_number": corporate_number(400),
    "name": "霞が関精密株式会社",
    "en_name": "",
    "prefecture_name": "13",
    "address1": "港区",
    "address2": "芝公園1-1-1",
    "user_last_nm": "山田",
    "user_first_nm": "太郎",
    "user_department": "総務部",
    "user_tel_no_contact": "0311111111",
    "email": "yamada.tarou@example.co.jp",
    "role": {"applies_to": {"levels": [{"level": 1}]}, "permission": [{"role": "jp_gbizid_prime"}]},
}


def test_gbizids_claims_are_read_by_default():
    identity = identity_from_claims(PRIME_CLAIMS, issuer=ISSUER)
    assert identity.issuer == ISSUER and identity.subject == "1242"
    assert (identity.account_type, identity.corp_type) == ("prime", "corporation")
    assert identity.corporate_number == corporate_number(400)
    assert identity.company_name == "霞が関精密株式会社" and identity.company_name_en == ""
    # The prefecture comes as its JIS X 0401 code.
    assert identity.company_address == "東京都港区芝公園1-1-1"
    assert (identity.last_name, identity.first_name) == ("山田", "太郎")
    assert (identity.department, identity.phone) == ("総務部", "0311111111")
    assert identity.email == "yamada.tarou@example.co.jp"
    assert identity.role == "prime"


def test_account_types_and_corp_types_as_strings_too():
    member = identity_from_claims({**PRIME_CLAIMS, "account_type": "3"}, issuer=ISSUER)
    entry = identity_from_claims({**PRIME_CLAIMS, "account_type": "1"}, issuer=ISSUER)
    sole = identity_from_claims({**PRIME_CLAIMS, "corp_type": "2"}, issuer=ISSUER)
    unknown = identity_from_claims({**PRIME_CLAIMS, "account_type": 9}, issuer=ISSUER)
    assert (member.account_type, entry.account_type, unknown.account_type) == (
        "member",
        "entry",
        "",
    )
    assert sole.corp_type == "sole_proprietor"


def test_a_corporate_number_is_checked_and_kept_as_given_for_the_audit():
    number = corporate_number(401)
    hyphens = f"{number[:1]}-{number[1:5]}-{number[5:9]}-{number[9:]}"
    copied = identity_from_claims({**PRIME_CLAIMS, "corporate_number": hyphens}, issuer=ISSUER)
    assert copied.corporate_number == number
    wrong = identity_from_claims(
        {**PRIME_CLAIMS, "corporate_number": "1234567890123"}, issuer=ISSUER
    )
    assert wrong.corporate_number == ""
    assert wrong.corporate_number_given == "1234567890123"
    assert wrong.audit()["corporate_number"] == "1234567890123"
    assert "phone" not in wrong.audit()


def test_missing_claims_are_empty():
    identity = identity_from_claims({"sub": "x"}, issuer=ISSUER)
    assert identity.subject == "x"
    assert identity.account_type == identity.corporate_number == identity.company_address == ""
    assert identity.role == ""


def test_the_mapping_is_a_setting(settings):
    settings.GBIZID_CLAIMS = {
        **settings.GBIZID_CLAIMS,
        "corporate_number": "corporation.number",
        "department": "busho",
        "company_address": ["address1"],
        "role": "roles.0",
    }
    settings.GBIZID_ACCOUNT_TYPES = {"prime": "prime"}
    identity = identity_from_claims(
        {
            "sub": "1",
            "account_type": "prime",
            "corporation": {"number": corporate_number(402)},
            "busho": "輸出管理部",
            "address1": "港区",
            "roles": ["jp_gbizid_administrator"],
        },
        issuer=ISSUER,
    )
    assert identity.account_type == "prime"
    assert identity.corporate_number == corporate_number(402)
    assert identity.department == "輸出管理部"
    assert identity.company_address == "港区"
    assert identity.role == "administrator"
