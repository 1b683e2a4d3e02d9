"""Tasks for the task-queue tests, importable by the worker processes those tests start."""

import time

from django_tasks import task


@task(takes_context=True)
def sleep_on_first_attempt(context, seconds):
    """Sleeps on its first run (long enough to be killed meanwhile); quick on the next."""
    if context.attempt == 1:
        time.sleep(seconds)
    return {"attempt": context.attempt}
