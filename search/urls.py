"""The search page and its autocomplete, under the language prefix (/ru/search/…)."""

from django.urls import path

from search import views

app_name = "search"

urlpatterns = [
    path("search/", views.search_page, name="search"),
    path("search/suggest/", views.autocomplete, name="suggest"),
]
