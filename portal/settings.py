"""Settings of the Land of the Leopard portal.

Everything comes from environment variables. The defaults are the embedded mode: a new machine
runs the whole portal with nothing installed but Python (SQLite, local-memory cache, in-memory
channel layer, database search, console e-mail, files under the project, test checkout).
Production sets DATABASE_URL, REDIS_URL, EMAIL_URL, SECRET_KEY, ALLOWED_HOSTS and DEBUG=false;
docs/deploy.md lists the rest.
"""

import ipaddress
import os
from pathlib import Path
from urllib.parse import urlsplit

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

DEBUG = env.bool("DEBUG", default=True)

# A key that only the embedded mode accepts: check --deploy and the guard below reject it.
EMBEDDED_SECRET_KEY = "django-insecure-embedded-mode-only-never-used-in-production"
SECRET_KEY = env.str("SECRET_KEY", default="")
# Keys being rotated out, newest first (comma-separated): links signed with them (e-mailed
# certificates, cancel and booking links, sign-in links) and staff sessions keep working while
# everything new is signed with SECRET_KEY. docs/deploy.md, "Rotating the secret key".
SECRET_KEY_FALLBACKS = env.list("SECRET_KEY_FALLBACKS", default=[])
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])


def is_weak_secret(key):
    """A key anyone could guess or that Django's own deployment check calls insecure."""
    return (
        len(key) < 50
        or key.startswith("django-insecure")
        or len(set(key)) < 5
        or key == EMBEDDED_SECRET_KEY
    )


if DEBUG:
    SECRET_KEY = SECRET_KEY or EMBEDDED_SECRET_KEY
    ALLOWED_HOSTS = ALLOWED_HOSTS or ["127.0.0.1", "localhost", "[::1]", "testserver"]
else:
    if is_weak_secret(SECRET_KEY):
        raise ImproperlyConfigured(
            "DEBUG is off: set SECRET_KEY to a random string of at least 50 characters "
            "(python -c 'import secrets; print(secrets.token_urlsafe(64))')."
        )
    # A signature made with any fallback key is accepted, so a weak one forges links as well
    # as a weak SECRET_KEY would.
    for position, key in enumerate(SECRET_KEY_FALLBACKS, start=1):
        if is_weak_secret(key):
            raise ImproperlyConfigured(
                f"DEBUG is off: key number {position} in SECRET_KEY_FALLBACKS is not a random "
                "string of at least 50 characters; list only the old keys being rotated out, "
                "separated by commas."
            )
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("DEBUG is off: set ALLOWED_HOSTS to the site's host names.")

# Demonstration mode: the test checkout and the "demonstration content" notice.
DEMO_MODE = env.bool("DEMO_MODE", default=DEBUG)

INSTALLED_APPS = [
    # wagtail-modeltranslation and modeltranslation must come before the apps they translate.
    "wagtail_modeltranslation",
    "wagtail_modeltranslation.makemigrations",
    "wagtail_modeltranslation.migrate",
    "modeltranslation",
    # The portal's apps: shared services, then domains.
    "cms",
    "live",
    "payments",
    "search",
    "wildlife",
    "tourism",
    "donations",
    "education",
    # Wagtail
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.sitemaps",
    "wagtail.contrib.routable_page",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "channels",
    "django_tasks",
    "django_tasks_db",
    "csp",
    # Django
    "cms.admin_site.SuperuserAdminConfig",  # django.contrib.admin, for superusers only
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
]

MIDDLEWARE = [
    # First: request ids, the request log line and metrics; answers /health/live, /health/ready
    # and /metrics itself, before the host check and the HTTPS redirect (cms/operations.py).
    "cms.operations.operations_middleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "cms.middleware.refuse_nul_bytes",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "cms.busy.BusyDatabaseMiddleware",
]

ROOT_URLCONF = "portal.urls"
ASGI_APPLICATION = "portal.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "cms.context_processors.portal",
            ],
        },
    },
]

# Database: SQLite in the project unless DATABASE_URL names PostgreSQL.
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # IMMEDIATE takes the write lock when a transaction starts, so two requests that both
        # read-then-write serialise instead of failing with "database is locked".
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # A file, not memory, so the ASGI server started by the tests sees the test database.
    # One file per test run, so several runs (and their server processes) never share one.
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / f".test-db-{os.getpid()}.sqlite3")}
else:
    DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
    # ASGI runs each request in a thread of its own: production pools the connections, so a
    # rush waits for one of a bounded number instead of opening one per thread until PostgreSQL
    # refuses ("too many clients"). A request that waits longer than DATABASE_POOL_TIMEOUT gets
    # a 503 page (cms.busy). The embedded mode and the test suite (DEBUG on) open a connection
    # per thread unless DATABASE_POOL_MAX is set; DATABASE_POOL_MAX=0 turns the pool off.
    pool_size = env.int("DATABASE_POOL_MAX", default=0 if DEBUG else 10)
    if pool_size:
        DATABASES["default"]["CONN_MAX_AGE"] = 0  # the pool keeps the connections
        DATABASES["default"]["OPTIONS"] = {
            **DATABASES["default"].get("OPTIONS", {}),
            "pool": {
                "min_size": min(2, pool_size),
                "max_size": pool_size,
                "timeout": env.float("DATABASE_POOL_TIMEOUT", default=10.0),
            },
        }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Redis: the cache and the channel layer. REDIS_URL names one server; with Redis Sentinel,
# REDIS_SENTINELS lists the sentinels (host:port, ...) and REDIS_SENTINEL_MASTER the master they
# watch, and both follow a failover (docs/deploy.md, "Redis Sentinel").
REDIS_URL = env.str("REDIS_URL", default="")


def sentinel_address(address):
    """(host, port) of a sentinel written host:port or [v6 address]:port; port 26379 if left out."""
    address = address.strip()
    host, colon, port = address.rpartition(":")
    if not colon or (":" in host and not host.endswith("]")):
        return address.strip("[]"), 26379
    if not port.isdigit():
        raise ImproperlyConfigured(f"REDIS_SENTINELS: {address!r} is not host:port.")
    return host.strip("[]"), int(port)


REDIS_SENTINELS = [sentinel_address(address) for address in env.list("REDIS_SENTINELS", default=[])]
# Seconds a cache operation waits for Redis before it counts as a miss: short, so an outage
# costs each page a moment, not a hang.
REDIS_SOCKET_TIMEOUT = env.float("REDIS_SOCKET_TIMEOUT", default=1.0)
if REDIS_SENTINELS:
    if REDIS_URL:
        raise ImproperlyConfigured("Set REDIS_URL or REDIS_SENTINELS, not both.")
    REDIS_SENTINEL_MASTER = env.str("REDIS_SENTINEL_MASTER", default="")
    if not REDIS_SENTINEL_MASTER:
        raise ImproperlyConfigured(
            "REDIS_SENTINELS is set: set REDIS_SENTINEL_MASTER to the name the sentinels "
            "monitor the master by."
        )
    redis_db = env.int("REDIS_DB", default=0)
    redis_password = env.str("REDIS_PASSWORD", default="") or None
    sentinel_password = env.str("REDIS_SENTINEL_PASSWORD", default="") or None
    sentinel_kwargs = {"password": sentinel_password} if sentinel_password else None
    # django-redis' Sentinel client: the host of the location is the master's name.
    cache_location = f"redis://{REDIS_SENTINEL_MASTER}/{redis_db}"
    cache_options = {
        "CLIENT_CLASS": "django_redis.client.SentinelClient",
        "CONNECTION_FACTORY": "django_redis.pool.SentinelConnectionFactory",
        "SENTINELS": REDIS_SENTINELS,
        "SENTINEL_KWARGS": sentinel_kwargs,
        **({"PASSWORD": redis_password} if redis_password else {}),
    }
    layer_host = {
        "sentinels": REDIS_SENTINELS,
        "master_name": REDIS_SENTINEL_MASTER,
        "sentinel_kwargs": sentinel_kwargs,
        "db": redis_db,
        **({"password": redis_password} if redis_password else {}),
    }
else:
    cache_location, cache_options, layer_host = REDIS_URL, {}, REDIS_URL
if REDIS_URL or REDIS_SENTINELS:
    CACHES = {
        "default": {
            # django-redis; portal/cache.py covers the few operations IGNORE_EXCEPTIONS misses.
            "BACKEND": "portal.cache.RedisCache",
            "LOCATION": cache_location,
            "OPTIONS": {
                # Wagtail reads the cache on every page and saving a page writes to it: an
                # outage turns every operation (get, set, incr, get_or_set, delete_pattern...)
                # into a miss or a no-op instead of a 500. django-ratelimit then lets visitors
                # through (RATELIMIT_FAIL_OPEN below).
                "IGNORE_EXCEPTIONS": True,
                "SOCKET_CONNECT_TIMEOUT": REDIS_SOCKET_TIMEOUT,
                "SOCKET_TIMEOUT": REDIS_SOCKET_TIMEOUT,
                **cache_options,
            },
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="leopard"),
        }
    }
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": env.str(
                "CHANNEL_LAYER_BACKEND", default="channels_redis.pubsub.RedisPubSubChannelLayer"
            ),
            # Redis pub/sub ignores database numbers: two sites on one Redis need two prefixes.
            "CONFIG": {
                "hosts": [layer_host],
                "prefix": env.str("CHANNEL_LAYER_PREFIX", default="asgi"),
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
# Each ignored cache error is logged (logger django_redis.cache, at most once a minute: LOGGING).
DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True

# The home page's HTML for anonymous visitors is cached this long (0: off). Publishing a page,
# saving a site setting and every live event (sighting, booking, gift) replace it at once.
HOME_PAGE_CACHE_SECONDS = env.int("HOME_PAGE_CACHE_SECONDS", default=30)

# Limits on the public actions that send e-mail or reserve something (cms.ratelimits): counts
# on the default cache, per client address and per e-mail address, "N/period" with s, m, h or d.
RATELIMIT_ENABLE = env.bool("RATE_LIMITS_ENABLED", default=True)
RATELIMIT_FAIL_OPEN = True  # a Redis outage lets visitors through rather than refusing everyone
# Behind a proxy that passes the client's address in a header (uvicorn --proxy-headers already
# puts it in REMOTE_ADDR): its WSGI name, e.g. HTTP_X_REAL_IP. Trusted only when set.
RATE_LIMIT_CLIENT_IP_HEADER = env.str("RATE_LIMIT_CLIENT_IP_HEADER", default="")
# Sign-in links, follow and report subscriptions, class-visit requests, the waiting list.
RATE_LIMIT_EMAILS_PER_CLIENT = env.str("RATE_LIMIT_EMAILS_PER_CLIENT", default="10/h")
RATE_LIMIT_EMAILS_PER_ADDRESS = env.str("RATE_LIMIT_EMAILS_PER_ADDRESS", default="3/h")
# Booking attempts (each may hold places for the hold's time), overall and on one date.
RATE_LIMIT_HOLDS_PER_CLIENT = env.str("RATE_LIMIT_HOLDS_PER_CLIENT", default="10/h")
RATE_LIMIT_HOLDS_PER_CLIENT_AND_DATE = env.str(
    "RATE_LIMIT_HOLDS_PER_CLIENT_AND_DATE", default="4/h"
)
RATE_LIMIT_HOLDS_PER_ADDRESS = env.str("RATE_LIMIT_HOLDS_PER_ADDRESS", default="5/h")
# Places one client may have in unpaid holds on one date at once, in percent of its places
# (never less than one party of the date's largest size): counted from the booking rows.
RATE_LIMIT_HELD_SHARE_PER_CLIENT_AND_DATE = env.int(
    "RATE_LIMIT_HELD_SHARE_PER_CLIENT_AND_DATE", default=50
)
# Checkout sessions: gifts, and paying for a held booking again.
RATE_LIMIT_CHECKOUTS_PER_CLIENT = env.str("RATE_LIMIT_CHECKOUTS_PER_CLIENT", default="20/h")
RATE_LIMIT_CHECKOUTS_PER_ADDRESS = env.str("RATE_LIMIT_CHECKOUTS_PER_ADDRESS", default="10/h")

# Tasks (e-mails, indexing): run at once in the embedded mode; a database queue and
# `manage.py db_worker` in production (the default when DEBUG is off), so no request waits for
# an e-mail to go out, and a known address is answered as fast as an unknown one.
TASKS = {
    "default": {
        "BACKEND": {
            "immediate": "django_tasks.backends.immediate.ImmediateBackend",
            "database": "django_tasks_db.DatabaseBackend",
        }[env.str("TASKS_BACKEND", default="immediate" if DEBUG else "database")],
    }
}

# Scheduled work, task recovery and retention (cms.scheduler, cms.taskqueue, docs/deploy.md
# "Scheduler" and "Retention"). `manage.py run_scheduler` runs on every machine; one leads.
SCHEDULER_INTERVAL_SECONDS = env.int("SCHEDULER_INTERVAL_SECONDS", default=60)
SCHEDULER_RETRY_SECONDS = env.int("SCHEDULER_RETRY_SECONDS", default=5)
SCHEDULER_DAILY_AT = env.str("SCHEDULER_DAILY_AT", default="03:30")  # local time (TIME_ZONE)
# A task RUNNING longer than this is taken for its dead worker's and run again: it must exceed
# the longest task.
TASKS_RUNNING_TIMEOUT = env.int("TASKS_RUNNING_TIMEOUT", default=600)
# Seconds before each new attempt of an e-mail that failed for a transient reason.
TASKS_EMAIL_RETRY_DELAYS = [
    int(delay) for delay in env.list("TASKS_EMAIL_RETRY_DELAYS", default=["60", "300", "1500"])
]
TASKS_RESULT_RETENTION_DAYS = env.int("TASKS_RESULT_RETENTION_DAYS", default=7)
TASKS_FAILED_RESULT_RETENTION_DAYS = env.int("TASKS_FAILED_RESULT_RETENTION_DAYS", default=30)
# Retention, run daily: each app forgets what it keeps of visitors on its own schedule.
RETENTION_UNCONFIRMED_DAYS = env.int("RETENTION_UNCONFIRMED_DAYS", default=30)
TOURISM_KEEP_PERSONAL_DATA_DAYS = env.int("TOURISM_KEEP_PERSONAL_DATA_DAYS", default=365)
EDUCATION_KEEP_PERSONAL_DATA_DAYS = env.int("EDUCATION_KEEP_PERSONAL_DATA_DAYS", default=365)
DONATIONS_KEEP_DONOR_DATA_DAYS = env.int("DONATIONS_KEEP_DONOR_DATA_DAYS", default=5 * 365)
PAYMENTS_EVENT_PAYLOAD_DAYS = env.int("PAYMENTS_EVENT_PAYLOAD_DAYS", default=90)
LIVE_EVENT_RETENTION_DAYS = env.int("LIVE_EVENT_RETENTION_DAYS", default=30)
LIVE_DELIVERY_RETENTION_DAYS = env.int("LIVE_DELIVERY_RETENTION_DAYS", default=90)

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str(
    "DEFAULT_FROM_EMAIL", default="Land of the Leopard <noreply@leopard.example>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Languages: Russian first, then English and Simplified Chinese. Missing translations fall back
# in the declared order and templates mark the fallback text with its own lang attribute.
LANGUAGE_CODE = "ru"
LANGUAGES = [
    ("ru", "Русский"),
    ("en", "English"),
    ("zh-hans", "简体中文"),
]
LANGUAGE_FALLBACKS = {
    "ru": ("en", "zh-hans"),
    "en": ("ru", "zh-hans"),
    "zh-hans": ("en", "ru"),
}
MODELTRANSLATION_DEFAULT_LANGUAGE = "ru"
MODELTRANSLATION_LANGUAGES = ("ru", "en", "zh-hans")
MODELTRANSLATION_FALLBACK_LANGUAGES = {"default": ("ru", "en"), **LANGUAGE_FALLBACKS}
# Each app keeps its own catalogue (<app>/locale, for its code and templates/<app>/), so apps
# are translated independently; site-wide strings live in locale/. See cms' makemessages.
PORTAL_APPS = ["live", "payments", "search", "wildlife", "tourism", "donations", "education"]
LOCALE_PATHS = [*(BASE_DIR / app / "locale" for app in PORTAL_APPS), BASE_DIR / "locale"]
TIME_ZONE = "Asia/Vladivostok"
USE_I18N = True
USE_TZ = True
# The languages' own date patterns, extended (cms.formats.local_date is the one helper).
FORMAT_MODULE_PATH = ["portal.formats"]

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "var" / "media")
# Camera-trap originals and other staff-only files: outside MEDIA_ROOT, never under MEDIA_URL.
PRIVATE_MEDIA_ROOT = env.path("PRIVATE_MEDIA_ROOT", default=BASE_DIR / "var" / "private")

# Object storage (django-storages, S3 API; docs/deploy.md "Object storage"): two buckets. The
# public one holds what pages show (Wagtail images and their renditions, documents) and is read
# by anyone through its bucket policy; URLs to it are plain, optionally through a CDN. The
# private one holds camera-trap originals and their thumbnails: no policy, never listed on a
# page, read by staff through the portal's views or a signed URL that lasts minutes.
# Credentials come from boto3's own chain: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in the
# environment, or the machine's role.
AWS_STORAGE_BUCKET_NAME = env.str("AWS_STORAGE_BUCKET_NAME", default="")
if AWS_STORAGE_BUCKET_NAME:
    AWS_PRIVATE_BUCKET_NAME = env.str("AWS_PRIVATE_BUCKET_NAME", default="")
    if not AWS_PRIVATE_BUCKET_NAME or AWS_PRIVATE_BUCKET_NAME == AWS_STORAGE_BUCKET_NAME:
        raise ImproperlyConfigured(
            "With AWS_STORAGE_BUCKET_NAME set, set AWS_PRIVATE_BUCKET_NAME to another bucket: "
            "camera-trap originals must never be in the public one."
        )
    AWS_S3_ENDPOINT_URL = env.str("AWS_S3_ENDPOINT_URL", default=None)  # S3-compatible services
    AWS_S3_REGION_NAME = env.str("AWS_S3_REGION_NAME", default=None)
    AWS_S3_CUSTOM_DOMAIN = env.str("AWS_S3_CUSTOM_DOMAIN", default=None)  # a CDN for public media
    # No per-object ACL: the buckets' policies decide (new AWS buckets refuse ACLs altogether).
    AWS_DEFAULT_ACL = None
    # Two uploads named "leopard.jpg" are two files, as on disk, never one replacing the other.
    AWS_S3_FILE_OVERWRITE = False
    AWS_QUERYSTRING_AUTH = False
    media_storage = {"BACKEND": "storages.backends.s3.S3Storage"}
    private_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AWS_PRIVATE_BUCKET_NAME,
            "querystring_auth": True,
            "querystring_expire": env.int("AWS_PRIVATE_QUERYSTRING_EXPIRE", default=300),
            "custom_domain": None,  # signed by S3 itself, never through the public CDN
        },
    }
else:
    media_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    private_storage = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": PRIVATE_MEDIA_ROOT, "base_url": None},
    }
STORAGES = {
    "default": media_storage,
    "private": private_storage,
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# The embedded mode serves media itself; production serves it from object storage or the proxy.
SERVE_MEDIA = env.bool("SERVE_MEDIA", default=not AWS_STORAGE_BUCKET_NAME)
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG

# Security. Behind a TLS-terminating proxy set SECURE_PROXY_SSL_HEADER_ENABLED=true.
if env.bool("SECURE_PROXY_SSL_HEADER_ENABLED", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SECURE = not DEBUG
LANGUAGE_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# Content-Security-Policy on every page but the two admins (django-csp, docs/deploy.md): scripts
# and styles from our own static files only, never inline. Wagtail's admin runs inline scripts
# and styles of its own, so /admin/ (and Django's /django-admin/) are left out.
MEDIA_ORIGINS = env.list("MEDIA_ORIGINS", default=[])  # origins of media, e.g. the public bucket
if AWS_STORAGE_BUCKET_NAME and not MEDIA_ORIGINS:
    # Where the public bucket's URLs point (tests/cms/test_object_storage.py checks it against
    # the URLs django-storages makes): the CDN, else the endpoint (path-style URLs), else AWS.
    if AWS_S3_CUSTOM_DOMAIN:
        MEDIA_ORIGINS = [f"https://{AWS_S3_CUSTOM_DOMAIN}"]
    elif AWS_S3_ENDPOINT_URL:
        endpoint = urlsplit(AWS_S3_ENDPOINT_URL)
        MEDIA_ORIGINS = [f"{endpoint.scheme}://{endpoint.netloc}"]
    else:
        MEDIA_ORIGINS = [f"https://{AWS_STORAGE_BUCKET_NAME}.s3.amazonaws.com"]
CONTENT_SECURITY_POLICY = {
    "EXCLUDE_URL_PREFIXES": ["/admin/", "/django-admin/"],
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", *MEDIA_ORIGINS],
        # 'self' covers ws: and wss: on the page's own host (CSP level 3): the live socket.
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
SILENCED_SYSTEM_CHECKS = env.list("SILENCED_SYSTEM_CHECKS", default=[])

# Payments (payments app, docs/payments.md). Without keys, the embedded mode uses the built-in
# test checkout, and production shows payment buttons disabled.
STRIPE_SECRET_KEY = env.str("STRIPE_SECRET_KEY", default="")
STRIPE_PUBLISHABLE_KEY = env.str("STRIPE_PUBLISHABLE_KEY", default="")
STRIPE_WEBHOOK_SECRET = env.str("STRIPE_WEBHOOK_SECRET", default="")
STRIPE_API_BASE = env.str("STRIPE_API_BASE", default="")  # a local fake in tests only
# The test checkout signs its events with this secret; it is never a real Stripe secret.
TEST_CHECKOUT_WEBHOOK_SECRET = env.str(
    "TEST_CHECKOUT_WEBHOOK_SECRET", default="whsec_embedded_test_checkout_only"
)

# Site search (search app, docs/search.md): database engine unless ELASTICSEARCH_URL is set.
ELASTICSEARCH_URL = env.str("ELASTICSEARCH_URL", default="")
SEARCH_INDEX_PREFIX = env.str("SEARCH_INDEX_PREFIX", default="leopard")

# Sponsorship certificates (donations app): a font file with Latin, Cyrillic and Chinese glyphs;
# empty for the one donations/conf.py names (Debian's fonts-noto-cjk). Checked at start-up.
CERTIFICATE_FONT = env.str("CERTIFICATE_FONT", default="")

# Schools (education app, docs/education.md): where class visit requests are announced.
EDUCATION_STAFF_EMAIL = env.str("EDUCATION_STAFF_EMAIL", default="education@leopard.example")

# Live updates (live app, docs/live.md).
LIVE_ALLOWED_ORIGINS = env.list("LIVE_ALLOWED_ORIGINS", default=[])

# Wagtail
WAGTAIL_SITE_NAME = _("Land of the Leopard")
WAGTAILADMIN_BASE_URL = env.str("WAGTAILADMIN_BASE_URL", default="http://127.0.0.1:8000")
WAGTAIL_I18N_ENABLED = False  # one page tree, fields translated by wagtail-modeltranslation
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILIMAGES_FORMAT_CONVERSIONS = {"bmp": "jpeg", "gif": "png"}
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 15 * 1024 * 1024
WAGTAILIMAGES_MAX_IMAGE_PIXELS = 64_000_000
# Documents: safe types only, checked by content on upload and always served as attachments.
WAGTAILDOCS_EXTENSIONS = ["pdf", "odt", "docx", "pptx", "png", "jpg", "jpeg"]
WAGTAILDOCS_DOCUMENT_FORM_BASE = "education.forms.SafeDocumentForm"
WAGTAILDOCS_MAX_UPLOAD_SIZE = 20 * 1024 * 1024
WAGTAILDOCS_INLINE_CONTENT_TYPES = []
WAGTAILDOCS_SERVE_METHOD = "serve_view"
WAGTAILMODELTRANSLATION_TRANSLATE_SLUGS = True
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
WAGTAILADMIN_COMMENTS_ENABLED = True
WAGTAIL_MODERATION_ENABLED = True
WAGTAIL_WORKFLOW_ENABLED = True
TAGGIT_CASE_INSENSITIVE = True

# Logs (cms/logs.py, docs/deploy.md "Logs"): one JSON object per line in production, plain
# text in the embedded mode; a request id on every line, the user id for staff, no visitor's data.
LOG_FORMAT = env.str("LOG_FORMAT", default="plain" if DEBUG else "json")
if LOG_FORMAT not in ("json", "plain"):
    raise ImproperlyConfigured("LOG_FORMAT is json or plain.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request": {"()": "cms.logs.RequestContextFilter"},
        "once_a_minute": {"()": "cms.logs.OncePerInterval", "seconds": 60},
    },
    "formatters": {
        "json": {"()": "cms.logs.JsonFormatter"},
        "plain": {"()": "cms.logs.PlainFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request"],
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        # Django's own handlers (a console when DEBUG is on, mail to ADMINS) give way to ours.
        "django": {"handlers": [], "level": "INFO"},
        "django.db.backends": {"level": "INFO"},
        "django_tasks": {"level": "WARNING"},
        # A Redis outage or a failing readiness check: one line a minute, not one per request.
        "django_redis.cache": {"filters": ["once_a_minute"]},
        "cms.health": {"filters": ["once_a_minute"]},
        # The portal's line per request, in production; the embedded mode has uvicorn's.
        "cms.requests": {"level": "INFO" if LOG_FORMAT == "json" else "WARNING"},
    },
}
if LOG_FORMAT == "json":
    LOGGING["loggers"] |= {
        # uvicorn's own lines in the same format, without the client's address; its access
        # log (address, path and query string) gives way to cms.requests.
        "uvicorn": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "uvicorn.access": {"handlers": [], "level": "WARNING", "propagate": False},
    }

# Error reports to Sentry (portal/sentry.py), only when SENTRY_DSN is set: no personal data, no
# cookies, no query strings, no request bodies, no local variables.
SENTRY_DSN = env.str("SENTRY_DSN", default="")
if SENTRY_DSN:
    from portal.sentry import init_sentry

    init_sentry(
        SENTRY_DSN,
        environment=env.str("SENTRY_ENVIRONMENT", default="production"),
        traces_sample_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0),
    )

# Prometheus metrics at /metrics (cms/metrics.py), for the operator only: a bearer token and/or
# client addresses (networks allowed: 10.0.0.0/24). Neither set: no metrics. With several
# worker processes set PROMETHEUS_MULTIPROC_DIR (read by prometheus_client itself).
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")
if METRICS_TOKEN and len(METRICS_TOKEN) < 24:
    raise ImproperlyConfigured("METRICS_TOKEN: use at least 24 random characters.")
METRICS_ALLOWED_IPS = [address.strip() for address in env.list("METRICS_ALLOWED_IPS", default=[])]
for network in METRICS_ALLOWED_IPS:
    try:
        ipaddress.ip_network(network, strict=False)
    except ValueError:
        raise ImproperlyConfigured(
            f"METRICS_ALLOWED_IPS: {network!r} is not an address or a network."
        ) from None
