import pytest


@pytest.mark.parametrize("language", ["ru", "en", "zh-hans"])
def test_home_page_renders_in_each_language(client, site_tree, language):
    response = client.get(f"/{language}/")
    assert response.status_code == 200
    assert f'<html lang="{language}">' in response.content.decode()
