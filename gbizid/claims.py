"""What a gBizID sign-in says about the person and their company, read through GBIZID_CLAIMS."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError

from portal.validators import validate_corporate_number

# JIS X 0401 prefecture codes, as gBizID gives the prefecture of an address.
PREFECTURES = {
    "01": "北海道", "02": "青森県", "03": "岩手県", "04": "宮城県", "05": "秋田県",
    "06": "山形県", "07": "福島県", "08": "茨城県", "09": "栃木県", "10": "群馬県",
    "11": "埼玉県", "12": "千葉県", "13": "東京都", "14": "神奈川県", "15": "新潟県",
    "16": "富山県", "17": "石川県", "18": "福井県", "19": "山梨県", "20": "長野県",
    "21": "岐阜県", "22": "静岡県", "23": "愛知県", "24": "三重県", "25": "滋賀県",
    "26": "京都府", "27": "大阪府", "28": "兵庫県", "29": "奈良県", "30": "和歌山県",
    "31": "鳥取県", "32": "島根県", "33": "岡山県", "34": "広島県", "35": "山口県",
    "36": "徳島県", "37": "香川県", "38": "愛媛県", "39": "高知県", "40": "福岡県",
    "41": "佐賀県", "42": "長崎県", "43": "熊本県", "44": "大分県", "45": "宮崎県",
    "46": "鹿児島県", "47": "沖縄県",
}  # fmt: skip


@dataclass(frozen=True)
class GbizidIdentity:
    """One gBizID sign-in: the account, its company and the person, in the portal's terms."""

    issuer: str
    subject: str
    account_type: str  # AccountType value, or "" when the claim is missing or unknown
    corp_type: str  # "corporation", "sole_proprietor" or ""
    corporate_number: str  # 13 digits with a right check digit, or ""
    corporate_number_given: str  # as gBizID gave it, for the audit trail
    company_name: str
    company_name_en: str
    company_address: str
    last_name: str
    first_name: str
    department: str
    phone: str
    email: str
    role: str

    def audit(self) -> dict[str, str]:
        """What the audit trail keeps of a sign-in (no phone, no address)."""
        return {
            "issuer": self.issuer,
            "subject": self.subject,
            "account_type": self.account_type,
            "corp_type": self.corp_type,
            "corporate_number": self.corporate_number_given,
            "role": self.role,
        }


def _lookup(claims: Mapping[str, Any], path: str) -> Any:
    value: Any = claims
    for part in path.split("."):
        if isinstance(value, Mapping):
            value = value.get(part)
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            return None
    return value


def _text(claims: Mapping[str, Any], path: str) -> str:
    value = _lookup(claims, path)
    if value is None or isinstance(value, Mapping | list):
        return ""
    text = str(value).strip()
    if path.rsplit(".", 1)[-1] in settings.GBIZID_PREFECTURE_CODE_CLAIMS:
        return PREFECTURES.get(text.zfill(2), text)
    return text


def claim(claims: Mapping[str, Any], field: str) -> str:
    """The value of one portal field (a key of GBIZID_CLAIMS) as text, "" when absent."""
    paths: Any = settings.GBIZID_CLAIMS.get(field) or ""
    if isinstance(paths, list | tuple):
        return "".join(_text(claims, path) for path in paths)
    return _text(claims, paths)


def _corporate_number(given: str) -> str:
    digits = given.replace("-", "").replace(" ", "")
    try:
        validate_corporate_number(digits)
    except ValidationError:
        return ""
    return digits


def identity_from_claims(claims: Mapping[str, Any], *, issuer: str) -> GbizidIdentity:
    """Read the checked ID token and userinfo claims (merged) into a GbizidIdentity."""
    corporate_number_given = claim(claims, "corporate_number")
    role = claim(claims, "role")
    return GbizidIdentity(
        issuer=issuer,
        subject=str(claims.get("sub") or ""),
        account_type=settings.GBIZID_ACCOUNT_TYPES.get(claim(claims, "account_type"), ""),
        corp_type=settings.GBIZID_CORP_TYPES.get(claim(claims, "corp_type"), ""),
        corporate_number=_corporate_number(corporate_number_given),
        corporate_number_given=corporate_number_given,
        company_name=claim(claims, "company_name"),
        company_name_en=claim(claims, "company_name_en"),
        company_address=claim(claims, "company_address"),
        last_name=claim(claims, "last_name"),
        first_name=claim(claims, "first_name"),
        department=claim(claims, "department"),
        phone=claim(claims, "phone"),
        email=claim(claims, "email"),
        role=settings.GBIZID_ROLES.get(role, role),
    )
