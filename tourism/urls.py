"""Booking pages, under the language prefix (/ru/tours/...)."""

from django.urls import path

from tourism import views

app_name = "tourism"

urlpatterns = [
    path("tours/dates/<int:slot_id>/book/", views.book, name="book"),
    path("tours/dates/<int:slot_id>/waiting-list/", views.waiting_list, name="waiting_list"),
    path(
        "tours/waiting-list/<str:token>/leave/",
        views.leave_waiting_list,
        name="waiting_list_leave",
    ),
    path("tours/booking/<str:token>/", views.manage, name="booking"),
    path("tours/booking/<str:token>/pay/", views.pay, name="booking_pay"),
    path("tours/booking/<str:token>/release/", views.release, name="booking_release"),
    path("tours/booking/<str:token>/cancel/", views.cancel, name="booking_cancel"),
    path("tours/booking/<str:token>/calendar.ics", views.calendar, name="booking_ics"),
]
