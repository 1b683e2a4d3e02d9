from io import StringIO

from django.core.management import call_command

from search import services


def test_rebuild_search_reports_progress_and_indexes_every_public_page(engine, site_tree):
    # site_tree's publishing tasks wait for a commit that a test transaction never makes.
    assert services.search("леопарды", "ru").total == 0
    out = StringIO()
    call_command("rebuild_search", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0].startswith(f"Rebuilding the search index ({engine.name})")
    assert "page: 0/4" in lines
    assert "page: 4/4" in lines
    assert lines[-1].startswith("Search index rebuilt in")
    assert [hit.title for hit in services.search("леопарды", "ru").hits] == ["О парке"]
