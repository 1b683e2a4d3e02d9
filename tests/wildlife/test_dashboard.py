"""The Wildlife vetters' home in the admin: the highlights waiting, with links to the queue."""

from django.test import Client

from tests.dashboards import dashboard, figure
from wildlife.models import Highlight


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def test_a_vetter_lands_on_the_highlights_to_vet(imported, vetter, django_assert_max_num_queries):
    waiting = Highlight.objects.filter(status=Highlight.Status.CANDIDATE).count()
    assert waiting > 0
    client = signed_in(vetter)
    panels = dashboard(client)
    assert set(panels) == {"wildlife-vetting"}
    value, _label = figure(panels["wildlife-vetting"], r"wildlife/highlights/\?status=candidate$")
    assert int(value) == waiting
    assert client.get("/admin/wildlife/highlights/?status=candidate").status_code == 200

    Highlight.objects.filter(pk=Highlight.objects.filter(status="candidate").first().pk).update(
        status=Highlight.Status.SCHEDULED
    )
    panels = dashboard(client)
    assert int(figure(panels["wildlife-vetting"], r"status=candidate$")[0]) == waiting - 1
    assert figure(panels["wildlife-vetting"], r"status=scheduled$")[0] == "1"


def test_an_editor_sees_no_vetting_panel(imported, editor):
    assert "wildlife-vetting" not in dashboard(signed_in(editor))
