"""Production settings: refuse to start unsafely, and pass Django's deployment checks."""

import os
import secrets
import subprocess
import sys

import pytest
from django.conf import settings

PRODUCTION = {
    "DEBUG": "false",
    "ALLOWED_HOSTS": "leopard.example.org",
    "DATABASE_URL": "sqlite:////tmp/never-opened.sqlite3",
}


def run_manage(*args, env, unset=()):
    dropped = {"SECRET_KEY", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE", *unset}
    clean = {key: value for key, value in os.environ.items() if key not in dropped}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    "secret",
    ["", "short", "django-insecure-" + "x" * 60, settings.EMBEDDED_SECRET_KEY],
    ids=["missing", "short", "insecure-prefix", "embedded-key"],
)
def test_production_refuses_to_start_without_a_real_secret_key(secret):
    result = run_manage("check", env={**PRODUCTION, "SECRET_KEY": secret})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    env = {**PRODUCTION, "SECRET_KEY": secrets.token_urlsafe(64), "ALLOWED_HOSTS": ""}
    result = run_manage("check", env=env)
    assert result.returncode != 0
    assert "ALLOWED_HOSTS" in result.stderr


@pytest.mark.parametrize(
    "fallback",
    ["short", "django-insecure-" + "x" * 60, settings.EMBEDDED_SECRET_KEY],
    ids=["short", "insecure-prefix", "embedded-key"],
)
def test_production_refuses_a_guessable_key_among_the_fallbacks(fallback):
    """A signature made with a fallback key is accepted: a weak one forges links."""
    fallbacks = f"{secrets.token_urlsafe(64)},{fallback}"
    env = {**PRODUCTION, "SECRET_KEY": secrets.token_urlsafe(64), "SECRET_KEY_FALLBACKS": fallbacks}
    result = run_manage("check", env=env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "key number 2 in SECRET_KEY_FALLBACKS" in result.stderr


def test_the_old_keys_are_read_from_a_comma_separated_list():
    old = [secrets.token_urlsafe(64), secrets.token_urlsafe(64)]
    env = {
        **PRODUCTION,
        **STRIPE,
        "SECRET_KEY": secrets.token_urlsafe(64),
        "SECRET_KEY_FALLBACKS": ",".join(old),
    }
    result = run_manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings; print(settings.SECRET_KEY_FALLBACKS)",
        env=env,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(old)
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode == 0, result.stdout + result.stderr


STRIPE = {
    "STRIPE_SECRET_KEY": "sk_live_" + "x" * 24,
    "STRIPE_PUBLISHABLE_KEY": "pk_live_" + "x" * 24,
    "STRIPE_WEBHOOK_SECRET": "whsec_" + "x" * 24,
}


def test_production_settings_pass_the_deployment_checks():
    env = {**PRODUCTION, **STRIPE, "SECRET_KEY": secrets.token_urlsafe(64)}
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_without_payment_keys_only_says_payments_are_off():
    env = {**PRODUCTION, "SECRET_KEY": secrets.token_urlsafe(64)}
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    output = result.stdout + result.stderr
    assert "payments.I001" in output
    assert "identified 1 issue" in output


def test_embedded_mode_runs_without_any_environment():
    assert settings.DATABASES["default"]["ENGINE"] in (
        "django.db.backends.sqlite3",
        "django.db.backends.postgresql",
    )
    result = run_manage("check", env={}, unset=("DATABASE_URL", "REDIS_URL", "ALLOWED_HOSTS"))
    assert result.returncode == 0, result.stderr
