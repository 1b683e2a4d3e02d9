"""The task queue's policies, for every app's tasks (django-tasks; the database backend and
`manage.py db_worker` in production).

- `email_task`: the decorator for a task that sends e-mail. A transient failure (the SMTP
  server unreachable, a 4xx answer, a dropped connection) enqueues the task again with its
  arguments, `run_after` = now + the next of TASKS_EMAIL_RETRY_DELAYS (1, 5 and 25 minutes), and
  an attempt count (keyword `_attempt`); after the last delay the failure is final: the task
  fails and staff see it (cms.task_admin). A permanent failure (a 5xx answer: a refused address,
  a refused login) fails at once. The attempt that hands over to a retry ends "successful" with
  `{"retry": {...}}` as its value: only final failures are listed as failed.
  The embedded mode runs tasks at once and cannot defer, so there a failure is final at once.
- `recover_stale_tasks`: a task left RUNNING by a worker that died (killed, its machine lost)
  is made READY again after TASKS_RUNNING_TIMEOUT, and another worker runs it. Nothing tells a
  dead worker from a slow one, so TASKS_RUNNING_TIMEOUT must exceed the longest task (our
  longest, an e-mail batch of LIVE_EMAIL_BATCH_SIZE followers, takes well under a minute):
  a slower task would be run a second time. Tasks that e-mail a list claim a delivery row per
  recipient first (live.Delivery, donations.ReportDelivery), so even then nobody gets an
  e-mail twice; a single e-mail (a booking confirmation) would go twice.
- `prune_task_results`: finished results are deleted after TASKS_RESULT_RETENTION_DAYS,
  failed ones after TASKS_FAILED_RESULT_RETENTION_DAYS (their arguments may name visitors).
"""

import errno
import functools
import logging
import smtplib
import socket
from datetime import timedelta

from django.conf import settings
from django.core.management import call_command
from django.utils import timezone
from django_tasks import TaskResultStatus, task, task_backends
from django_tasks_db import DatabaseBackend
from django_tasks_db.models import DBTaskResult

logger = logging.getLogger(__name__)

ATTEMPT = "_attempt"
# Raised by the network as plain OSError: worth another try later.
NETWORK_ERRNOS = {errno.ENETUNREACH, errno.EHOSTUNREACH, errno.ENETDOWN, errno.EHOSTDOWN}


def is_transient_mail_error(error):
    """Whether sending may work later: the server unreachable or busy, not a refusal."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return any(code < 500 for code, _message in error.recipients.values())
    if isinstance(error, smtplib.SMTPResponseException):
        return error.smtp_code < 500
    if isinstance(error, smtplib.SMTPException):
        return True  # disconnected, or an answer the client could not read
    if isinstance(error, (ConnectionError, TimeoutError, socket.gaierror)):
        return True
    return isinstance(error, OSError) and error.errno in NETWORK_ERRNOS


def retry_delays():
    return [timedelta(seconds=seconds) for seconds in settings.TASKS_EMAIL_RETRY_DELAYS]


def email_task(function=None, **task_options):
    """`@task()` for a task that sends e-mail, retried with backoff on transient failures."""

    def decorate(func):
        @functools.wraps(func)
        def run(*args, **kwargs):
            attempt = kwargs.pop(ATTEMPT, 1)
            try:
                return func(*args, **kwargs)
            except OSError as error:  # smtplib.SMTPException is an OSError
                delays = retry_delays()
                if (
                    not is_transient_mail_error(error)
                    or attempt > len(delays)
                    or not email_sending_task.get_backend().supports_defer
                ):
                    raise
                run_after = timezone.now() + delays[attempt - 1]
                email_sending_task.using(run_after=run_after).enqueue(
                    *args, **kwargs, **{ATTEMPT: attempt + 1}
                )
                logger.warning(
                    "e-mail task %s failed (%s), attempt %d; tried again after %s",
                    email_sending_task.name,
                    type(error).__name__,
                    attempt,
                    run_after.isoformat(),
                )
                return {
                    "retry": {
                        "attempt": attempt + 1,
                        "run_after": run_after.isoformat(),
                        "error": type(error).__name__,
                    }
                }

        email_sending_task = task(**task_options)(run)
        return email_sending_task

    return decorate(function) if function is not None else decorate


def attempts(result):
    """How many times a task result's work was tried: its e-mail retries and its recoveries."""
    kwargs = (result.args_kwargs or {}).get("kwargs") or {}
    return kwargs.get(ATTEMPT, 1) + max(len(result.worker_ids or []) - 1, 0)


def recover_stale_tasks(now=None):
    """Makes READY again the tasks RUNNING for longer than TASKS_RUNNING_TIMEOUT (their worker
    died); returns how many. The row keeps its worker ids, so its attempts show."""
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=settings.TASKS_RUNNING_TIMEOUT)
    stale = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING, started_at__lt=cutoff)
    recovered = []
    for result in stale.only("id", "task_path"):
        # Only if still running and stale: its worker may have finished it meanwhile.
        if (
            DBTaskResult.objects.filter(
                pk=result.pk, status=TaskResultStatus.RUNNING, started_at__lt=cutoff
            ).update(status=TaskResultStatus.READY, started_at=None)
            == 1
        ):
            recovered.append(result)
            logger.warning(
                "task %s (%s) was running for more than %d s: made ready again",
                result.pk,
                result.task_path,
                settings.TASKS_RUNNING_TIMEOUT,
            )
    return len(recovered)


def _database_backends():
    return [alias for alias in settings.TASKS if isinstance(task_backends[alias], DatabaseBackend)]


def prune_task_results():
    """Deletes old finished task results (django-tasks-db's own command, on every queue)."""
    for alias in _database_backends():
        call_command(
            "prune_db_task_results",
            f"--backend={alias}",
            "--queue-name=*",
            f"--min-age-days={settings.TASKS_RESULT_RETENTION_DAYS}",
            f"--failed-min-age-days={settings.TASKS_FAILED_RESULT_RETENTION_DAYS}",
        )
