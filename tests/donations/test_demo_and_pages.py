"""The demonstration campaigns, the page tree, the home section and the leopard invitation."""

import io

from django.utils import translation

from cms.demo import DemoContext
from cms.home import sections_for
from donations import demo
from donations.models import CampaignIndexPage, CampaignPage, CampaignReportPage
from tests.pages import build_site_tree


def load_twice():
    home = build_site_tree().home
    first = DemoContext(home=home, stdout=io.StringIO())
    demo.load(first)
    second = DemoContext(home=home, stdout=io.StringIO())
    demo.load(second)
    return first, second


def test_the_demo_campaigns_load_in_three_languages_and_twice_changes_nothing(db, client):
    first, second = load_twice()
    assert len(first.changes) == 4
    assert second.changes == []
    campaigns = CampaignPage.objects.order_by("pk")
    assert [c.title_en for c in campaigns] == [
        "Anti-poaching patrols",
        "New camera traps",
        "Winter feeding of ungulates",
    ]
    patrols = campaigns[0]
    for language, facts in {
        "ru": ("67 277 $", "1 398", "Демонстрационный пример"),
        "en": ("$67,277", "1,398", "Demonstration example"),
        "zh-hans": ("US$67,277", "1,398", "演示示例"),
    }.items():
        with translation.override(language):
            body = client.get(patrols.get_url()).content.decode()
        for fact in facts:
            assert fact in body, (language, fact)
    assert patrols.suggested_amounts.count() == 3


def test_the_page_tree_is_declared():
    assert CampaignIndexPage.parent_page_types == ["cms.HomePage"]
    assert set(CampaignPage.parent_page_types) == {"cms.HomePage", "donations.CampaignIndexPage"}
    assert CampaignPage.subpage_types == ["donations.CampaignReportPage"]
    assert CampaignReportPage.parent_page_types == ["donations.CampaignPage"]
    assert CampaignReportPage.subpage_types == []


def test_the_home_page_shows_open_campaigns(campaigns, rf, client):
    with translation.override("en"):
        body = client.get(campaigns.site.home.get_url()).content.decode()
    assert "Support the park" in body
    assert "Patrols" in body
    assert "Winter feeding" not in body  # closed
    assert 'data-live-client-topics="campaign:' in body or "data-live-client-topics" in body
    request = rf.get("/en/")
    names = [s["name"] for s in sections_for(request, campaigns.site.home)]
    assert "campaigns" in names


def test_a_campaign_that_has_not_started_says_when_it_opens(campaigns, client):
    campaigns.patrols.starts_on = campaigns.patrols.starts_on.replace(year=2999)
    campaigns.patrols.save_revision().publish()
    with translation.override("en"):
        body = client.get(campaigns.patrols.get_url()).content.decode()
    assert "This campaign opens on" in body
    assert "Continue to payment" not in body


def test_the_form_to_give_comes_before_the_reports_and_the_donor_wall(campaigns, client):
    """On a phone the columns stack in the document's order: "Give" must not wait at the end,
    after every report and the donor wall."""
    with translation.override("en"):
        body = client.get(campaigns.patrols.get_url()).content.decode()
    give = body.index('id="give-heading"')
    assert give < body.index('id="reports-heading"')
    assert give < body.index('id="wall-heading"')
    assert body.index("data-campaign-progress") < give
