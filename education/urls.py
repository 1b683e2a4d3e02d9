"""Education's pages outside the page tree, under the language prefix (/ru/class-visit/)."""

from django.urls import path

from education import views

app_name = "education"

urlpatterns = [
    path("class-visit/", views.class_visit_request, name="class_visit_request"),
    path("class-visit/sent/", views.class_visit_sent, name="class_visit_sent"),
    path("classroom-data/", views.classroom_data, name="classroom_data"),
    path(
        "classroom-data/sightings-by-month.csv",
        views.classroom_data_csv,
        name="classroom_data_csv",
    ),
]
