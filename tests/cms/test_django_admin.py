"""Django's admin (/django-admin/) is for superusers only; staff roles use Wagtail's admin."""

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from wagtail.documents.models import Document
from wagtail.images.models import Image

ROLES = ["Editors", "Moderators", "Wildlife vetters", "Tourism desk", "Fundraising"]
DOCUMENT_ADD = "/django-admin/wagtaildocs/document/add/"


@pytest.fixture
def superuser(django_user_model):
    return django_user_model.objects.create_superuser("root", "root@example.org", "pw-123456")


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("path", ["/django-admin/", DOCUMENT_ADD, "/django-admin/auth/user/"])
def test_a_staff_role_is_sent_to_the_sign_in_page(client, django_user_model, role, path):
    user = django_user_model.objects.create_user("staff", "staff@example.org", "pw-123456")
    user.is_staff = True  # what let every role in before
    user.save()
    user.groups.add(Group.objects.get(name=role))
    client.force_login(user)

    response = client.get(path)

    assert response.status_code == 302
    assert response["Location"] == f"/django-admin/login/?next={path}"


def test_a_superuser_may_use_it(client, superuser):
    client.force_login(superuser)
    assert client.get("/django-admin/").status_code == 200
    assert client.get("/django-admin/auth/user/").status_code == 200


def test_documents_and_images_are_not_in_it_even_for_a_superuser(client, superuser):
    """An HTML file named .pdf went in as a document there, past SafeDocumentForm."""
    client.force_login(superuser)
    html = SimpleUploadedFile("lesson.pdf", b"<html><script>alert(1)</script></html>")

    response = client.post(DOCUMENT_ADD, {"title": "Lesson", "file": html}, follow=True)

    assert response.status_code == 404  # no such admin page (after the language redirect)
    assert not Document.objects.exists()
    assert client.get("/django-admin/wagtailimages/image/", follow=True).status_code == 404
    assert not Image.objects.exists()
    index = client.get("/django-admin/").content.decode()
    assert "wagtaildocs" not in index and "wagtailimages" not in index
