"""Browsing, the API and the exports of the catalogue."""

import csv
import io
import json

import pytest

from thiqa.audit.models import AuditEvent
from thiqa.catalogue.loader import load_catalogue


@pytest.fixture
def catalogue(db):
    load_catalogue()


def test_the_catalogue_page_filters_by_framework_pillar_theme_and_kind(client, member, catalogue):
    client.force_login(member)
    osce = client.get("/catalogue/?framework=osce-cbm&kind=cbm").context["items"]
    assert sorted(int(i.number) for i in osce) == list(range(1, 17))
    contacts = {i.code for i in client.get("/catalogue/?theme=points-of-contact").context["items"]}
    assert {"osce-cbm-8", "un-gge-2013-26c"} <= contacts
    legal = client.get("/catalogue/?pillar=legal").context["items"]
    assert legal and all("legal" in {p.code for p in i.pillars.all()} for i in legal)
    assert list(client.get("/catalogue/?kind=nonsense").context["items"]) == []


@pytest.mark.parametrize("language", ["en", "ar"])
def test_an_item_page_shows_both_summaries_citations_and_related_items(client, member, catalogue, language):
    client.force_login(member)
    client.cookies["thiqa-language"] = language
    html = client.get("/catalogue/items/osce-cbm-8/").content.decode()
    item = client.get("/catalogue/items/osce-cbm-8/").context["item"]
    assert item.summary_en in html and item.summary_ar in html
    assert "PC.DEC/1106" in html and "CBM 8" in html
    assert "/catalogue/items/un-gge-2013-26c/" in html  # crosswalk, shown from this side
    assert "reconfirm_months" in html
    back = client.get("/catalogue/items/un-gge-2013-26c/").content.decode()
    assert "/catalogue/items/osce-cbm-8/" in back  # and from the other side


def test_unknown_items_are_404(client, member, catalogue):
    client.force_login(member)
    assert client.get("/catalogue/items/no-such-item/").status_code == 404


def test_in_a_closed_deployment_people_outside_the_community_cannot_browse(client, catalogue, settings):
    settings.THIQA_PUBLIC_CATALOGUE = False
    assert client.get("/catalogue/").status_code == 302
    assert client.get("/api/v1/catalogue/frameworks").status_code == 401


def test_the_api_lists_frameworks_and_filters_items(client, member, catalogue):
    client.force_login(member)
    frameworks = client.get("/api/v1/catalogue/frameworks").json()
    assert [f["code"] for f in frameworks][:3] == ["un-gge-2013", "un-gge-2015", "osce-cbm"]
    assert next(f for f in frameworks if f["code"] == "osce-cbm")["items"] == 27
    page = client.get("/api/v1/catalogue/items?framework=un-gge-2015&page_size=5").json()
    assert page["count"] == 11 and len(page["items"]) == 5
    technical = client.get("/api/v1/catalogue/items?pillar=technical&page_size=200").json()["items"]
    assert technical and all("technical" in i["pillars"] for i in technical)
    item = client.get("/api/v1/catalogue/items/osce-cbm-8").json()
    assert item["parameters"] == {"reconfirm_months": 12, "change_notice_days": 30}
    assert {"type": "related", "target": "un-gge-2013-26c"} in item["relations"]
    assert item["title"]["ar"] and item["summary"]["en"]
    assert client.get("/api/v1/catalogue/items/nope").status_code == 404


def test_the_json_export_holds_everything_and_reads_back(client, member, catalogue):
    client.force_login(member)
    response = client.get("/catalogue/export.json")
    assert response["Content-Disposition"] == 'attachment; filename="thiqa-catalogue.json"'
    data = json.loads(response.content)
    assert data["format"] == "thiqa-catalogue" and data["version"] == 1
    items = [i for f in data["frameworks"] for i in f["items"]]
    assert len(items) == 187 and len({i["code"] for i in items}) == 187
    cbm8 = next(i for i in items if i["code"] == "osce-cbm-8")
    assert cbm8["citations"][0]["text"].startswith("PC.DEC/1106")
    assert AuditEvent.objects.filter(action="catalogue.exported", actor=member).exists()


def test_the_csv_export_has_one_row_per_item_in_both_languages(client, member, catalogue):
    client.force_login(member)
    text = client.get("/catalogue/export.csv").content.decode("utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 187
    row = next(r for r in rows if r["code"] == "un-gge-2013-26c")
    assert row["framework"] == "un-gge-2013" and row["number"] == "26(c)"
    assert any("\u0600" <= ch <= "\u06ff" for ch in row["summary_ar"])
    assert "related:" in next(r for r in rows if r["code"] == "osce-cbm-8")["relations"]
    assert client.get("/catalogue/export.xml").status_code == 404


def test_the_export_command_writes_a_file(db, catalogue, tmp_path):
    from django.core.management import call_command

    target = tmp_path / "catalogue.json"
    call_command("catalogue", "export", "--format", "json", "--output", str(target))
    assert json.loads(target.read_text(encoding="utf-8"))["frameworks"]
