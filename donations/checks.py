"""System checks of the donations app: what a machine must have installed to serve it.

The certificate's font is a deployment dependency (docs/deploy.md, "Packages each machine
needs"). Without it production refuses to start (an Error: `manage.py check`, `migrate`, the
task worker and the web server all stop), because certificates would not be drawn. The embedded mode only
warns, so `make run` still works on a laptop without the font; there the certificate link
answers 503 until the font is installed. The check carries the "startup" tag, which the ASGI
application runs as it loads (portal/asgi.py): uvicorn, unlike runserver, runs no checks.
"""

from django.conf import settings
from django.core import checks

from donations import certificates, conf


@checks.register("startup")
def certificate_font(app_configs, **kwargs):
    problem = certificates.font_problem()
    if problem is None:
        return []
    message = f"Sponsorship certificates cannot be drawn: {problem}."
    hint = (
        f"Install Debian's {conf.CERTIFICATE_FONT_PACKAGE} package "
        f"(apt-get install {conf.CERTIFICATE_FONT_PACKAGE}), or set CERTIFICATE_FONT to a font "
        "file with Latin, Cyrillic and Chinese glyphs."
    )
    if settings.DEBUG:
        return [checks.Warning(message, hint=hint, id="donations.W001")]
    return [checks.Error(message, hint=hint, id="donations.E001")]
