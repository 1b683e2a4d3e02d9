"""The portal's URLs plus one view with a bug, for tests of what an error leaves behind (the
log line, the Sentry report): tests/cms/error_settings.py serves them."""

from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from portal.urls import handler400, handler404, handler500, urlpatterns  # noqa: F401


@csrf_exempt
def file_report(request):
    """A bug as a visitor meets it: what they typed ends up in the exception's message."""
    email = request.POST.get("email") or request.GET.get("email", "")
    raise RuntimeError(f"no report could be filed for {email}")


urlpatterns = [path("file-report/", file_report, name="file_report"), *urlpatterns]
