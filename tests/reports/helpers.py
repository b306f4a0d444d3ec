import datetime

from django.utils import timezone

from reports import lifecycle, services


def complete_data(**overrides) -> dict:
    """A report that can be submitted today (contract 30 days ahead, mlcc to China)."""
    data = {
        "technology": "mlcc",
        "technology_scope": "both",
        "technology_summary": "積層セラミックコンデンサの焼成条件と内部電極の設計データ",
        "transaction_type": "subsidiary_transfer",
        "counterparty_name": "Shanghai Demo Electronics Co., Ltd.",
        "counterparty_country": "CN",
        "counterparty_address": "上海市浦東新区1号",
        "counterparty_relationship": "subsidiary",
        "ownership_percent": 80,
        "planned_contract_date": timezone.localdate() + datetime.timedelta(days=30),
        "provision_methods": ["documents", "onsite_guidance"],
        "management_measures": "アクセス管理と技術者の秘密保持契約",
        "contact_name": "山田 花子",
        "contact_department": "輸出管理部",
        "contact_phone": "03-1234-5678",
        "contact_email": "yamada@example.jp",
        "declaration": True,
    }
    data.update(overrides)
    return data


def submitted_report(exporter, **overrides):
    report = services.report_create(actor=exporter, data=complete_data(**overrides))
    return lifecycle.report_submit(actor=exporter, report_id=report.pk)
