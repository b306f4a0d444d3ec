import pytest

from endusers.normalise import name_score, normalise_name


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        # Full-width letters and the ideographic space (NFKC), case.
        ("ＳＨＡＮＧＨＡＩ　ＤＥＭＯ　ＥＬＥＣＴＲＯＮＩＣＳ", "shanghai demo electronics"),
        # Legal suffixes with any punctuation, including a full-width comma.
        ("Shanghai Demo Electronics Co.，Ltd.", "shanghai demo electronics"),
        ("Shanghai Demo Electronics Co.,Ltd", "shanghai demo electronics"),
        ("SHANGHAI DEMO ELECTRONICS LIMITED", "shanghai demo electronics"),
        ("Gulf Example Trading FZE", "gulf example trading"),
        ("Indus Sample Engineering (Pvt) Ltd", "indus sample engineering"),
        ("Example Holdings GmbH", "example holdings"),
        ("Example Corp.", "example"),
        ("Example, Inc.", "example"),
        ("Example LLC", "example"),
        # Japanese legal forms before or after the name, and (株); half-width katakana.
        ("株式会社テスト", "テスト"),
        ("ﾃｽﾄ株式会社", "テスト"),
        ("（株）テスト", "テスト"),
        # Chinese legal forms, simplified and traditional.
        ("上海演示电子有限公司", "上海演示电子"),
        ("福爾摩沙假想光學股份有限公司", "福爾摩沙假想光學"),
        # A name that is nothing but legal words stays itself.
        ("Limited Co.", "limited co"),
    ],
)
def test_normalise_name(written, expected):
    assert normalise_name(written) == expected


def test_full_and_half_width_forms_score_as_the_same_name():
    full = normalise_name("ＨＡＲＢＯＵＲ　ＦＡＢＬＥ　ＣＯＭＰＯＮＥＮＴＳ　ＬＩＭＩＴＥＤ")
    half = normalise_name("Harbour Fable Components Co., Ltd.")
    assert name_score(full, half) == 100


def test_spacing_and_word_order_do_not_matter():
    assert name_score(normalise_name("Hua Wei Example"), normalise_name("Huawei Example")) == 100
    assert (
        name_score(normalise_name("Example Trading Gulf"), normalise_name("Gulf Example Trading"))
        == 100
    )


def test_a_different_company_scores_low():
    a = normalise_name("Shanghai Demo Electronics Co., Ltd.")
    b = normalise_name("Beijing Demo Electronics Co., Ltd.")
    assert name_score(a, b) < 90
