"""Loading the catalogue: every framework, validated, idempotent, all or nothing."""

import shutil
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command

from thiqa.catalogue.loader import DATA_DIR, CatalogueError, load_catalogue
from thiqa.catalogue.models import Citation, Framework, Item, Relation
from thiqa.catalogue.parameters import MissingParameter, parameter, parameters


@pytest.fixture
def loaded(db):
    return load_catalogue()


@pytest.fixture
def data(tmp_path) -> Path:
    """A copy of the data files to break."""
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    return target


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def test_every_framework_of_the_issue_is_loaded(loaded):
    assert set(Framework.objects.values_list("code", flat=True)) == {
        "un-gge-2013",
        "un-gge-2015",
        "osce-cbm",
        "itu-gca",
        "osce-ppp",
        "cyber-diplomacy",
    }
    osce = Item.objects.filter(framework__code="osce-cbm", kind__code="cbm")
    assert sorted(int(i.number) for i in osce) == list(range(1, 17))
    gge = set(Item.objects.filter(framework__code="un-gge-2013").values_list("number", flat=True))
    assert {"16", "19", "25", "26(a)", "26(f)", "27", "29", "30", "32(a)", "32(e)", "33", "34"} <= gge
    norms = Item.objects.filter(framework__code="un-gge-2015").values_list("number", flat=True)
    assert sorted(norms) == [f"13({c})" for c in "abcdefghijk"]
    gca = set(Item.objects.filter(framework__code="itu-gca").values_list("number", flat=True))
    assert {"2.12(a)", "2.12(d)", "3.12(f)", "4.8(f)", "5.14(l)", "6.17(e)", "7.1(e)"} <= gca
    assert Item.objects.filter(framework__code="itu-gca", kind__code="pillar").count() == 5
    assert Item.objects.filter(framework__code="osce-ppp", kind__code="purpose").count() == 6
    assert Item.objects.filter(framework__code="osce-ppp", kind__code="topic").count() == 5
    diplomacy = Item.objects.filter(framework__code="cyber-diplomacy")
    assert diplomacy.filter(kind__code="challenge").count() == 6
    assert diplomacy.filter(kind__code="framework-element").count() == 6
    assert diplomacy.filter(kind__code="recommendation").count() == 5


def test_every_item_is_bilingual_and_cited(loaded):
    for item in Item.objects.all():
        assert item.title_en and item.summary_en and item.title_ar and item.summary_ar, item.code
        assert any("\u0600" <= ch <= "\u06ff" for ch in item.summary_ar), item.code
        assert item.citations.exists(), item.code
    assert Citation.objects.filter(document_symbol="A/68/98", locator__contains="26(c)").exists()


def test_rules_of_the_text_are_machine_parameters(loaded):
    assert parameters("osce-cbm-8") == {"reconfirm_months": 12, "change_notice_days": 30}
    assert parameter("osce-cbm-11", "min_meetings_per_year") == 3
    assert parameter("osce-cbm-pc-annual-exchange", "due_month") == 10
    assert parameter("osce-cbm-pc-annual-exchange", "due_day") == 31
    with pytest.raises(MissingParameter):
        parameter("osce-cbm-8", "colour")
    with pytest.raises(MissingParameter):
        parameters("no-such-item")


def test_crosswalks_link_frameworks(loaded):
    assert Relation.objects.filter(source__code="osce-cbm-8", target__code="un-gge-2013-26c").exists()
    assert not Relation.objects.filter(
        source__framework=models_f("osce-cbm"), target__framework=models_f("osce-cbm")
    )


def models_f(code: str) -> Framework:
    return Framework.objects.get(code=code)


def test_loading_twice_changes_nothing(loaded):
    before = (Item.objects.count(), Citation.objects.count(), Relation.objects.count())
    ids = dict(Item.objects.values_list("code", "id"))
    again = load_catalogue()
    assert (again.items, again.withdrawn) == (loaded.items, 0)
    assert (Item.objects.count(), Citation.objects.count(), Relation.objects.count()) == before
    assert dict(Item.objects.values_list("code", "id")) == ids  # stable rows for other rooms' links


def test_an_item_that_leaves_the_files_is_withdrawn_not_deleted(db, data):
    path = data / "un-gge-2015.yaml"
    content = yaml.safe_load(path.read_text(encoding="utf-8"))
    extra = dict(content["items"][0], code="un-gge-2015-draft", relations=[])
    content["items"].append(extra)
    path.write_text(yaml.safe_dump(content, allow_unicode=True), encoding="utf-8")
    load_catalogue(data)
    content["items"].pop()
    path.write_text(yaml.safe_dump(content, allow_unicode=True), encoding="utf-8")
    result = load_catalogue(data)
    assert result.withdrawn == 1
    assert Item.objects.get(code="un-gge-2015-draft").is_active is False
    assert Item.objects.get(code="un-gge-2015-13k").is_active is True


@pytest.mark.parametrize(
    ("edited", "file", "old", "new", "line_text", "rule"),
    [
        (
            "osce-cbm.yaml",
            "osce-cbm.yaml",
            "    kind: cbm\n",
            "    kind: treaty\n",
            "kind: treaty",
            "is not one of",
        ),
        (
            "osce-cbm.yaml",
            "osce-cbm.yaml",
            "    modality: voluntary\n",
            "    modality: perhaps\n",
            "modality: perhaps",
            "is not one of",
        ),
        (
            "un-gge-2013.yaml",
            "un-gge-2013.yaml",
            "code: un-gge-2013-26c",
            "code: Bad_Code",
            "code: Bad_Code",
            "does not match",
        ),
        (
            "osce-cbm.yaml",
            "osce-cbm.yaml",
            "target: un-gge-2013-26c",
            "target: un-gge-2013-99z",
            "un-gge-2013-99z",
            "no item has the code",
        ),
        (
            "un-gge-2013.yaml",
            "osce-cbm.yaml",
            "code: un-gge-2013-26c",
            "code: osce-cbm-8",
            "code: osce-cbm-8",
            "already used in un-gge-2013.yaml",
        ),
    ],
)
def test_a_broken_rule_names_file_line_and_rule_and_changes_nothing(
    loaded, data, edited, file, old, new, line_text, rule
):
    edit(data / edited, old, new)
    before = set(Item.objects.values_list("code", "title_en"))
    with pytest.raises(CatalogueError) as error:
        load_catalogue(data)
    lines = (data / file).read_text(encoding="utf-8").splitlines()
    assert error.value.file == file
    assert line_text in lines[error.value.line - 1], (error.value, lines[error.value.line - 1])
    assert rule in error.value.rule
    assert str(error.value).startswith(f"{file}:{error.value.line}: ")
    assert set(Item.objects.values_list("code", "title_en")) == before


def test_a_summary_without_arabic_is_refused(db, data):
    text = (data / "un-gge-2015.yaml").read_text(encoding="utf-8")
    start = text.index("    summary:")
    ar = text.index("      ar:", start)
    end = text.index("\n", ar)
    (data / "un-gge-2015.yaml").write_text(
        text[:ar] + '      ar: "English only"' + text[end:], encoding="utf-8"
    )
    with pytest.raises(CatalogueError, match=r"summary\.ar"):
        load_catalogue(data)
    assert not Item.objects.exists()


def test_invalid_yaml_and_wrong_encoding_are_reported(db, data):
    edit(data / "osce-ppp.yaml", "items:", "items: [unclosed")
    with pytest.raises(CatalogueError, match=r"osce-ppp.yaml:\d+: not valid YAML"):
        load_catalogue(data)
    shutil.copy(DATA_DIR / "osce-ppp.yaml", data / "osce-ppp.yaml")
    (data / "itu-gca.yaml").write_bytes("title: ثقة".encode("cp1256"))
    with pytest.raises(CatalogueError, match="not UTF-8"):
        load_catalogue(data)
    assert not Framework.objects.exists()


def test_the_command_loads_checks_and_exits_non_zero_on_errors(db, data, capsys):
    call_command("catalogue", "check")
    assert "Catalogue valid: 6 frameworks" in capsys.readouterr().out
    call_command("catalogue", "load")
    assert Item.objects.count() > 150
    edit(data / "osce-cbm.yaml", "    kind: cbm\n", "    kind: treaty\n")
    with pytest.raises(SystemExit) as exit_info:
        call_command("catalogue", "load", "--data", str(data))
    assert exit_info.value.code == 1
    assert "osce-cbm.yaml:" in capsys.readouterr().err
