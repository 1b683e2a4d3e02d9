"""cms's own scheduled jobs (registered in CmsConfig.ready(), run by cms.scheduler)."""

import io

from django.core.management import call_command

from cms import scheduler, taskqueue


def publish_scheduled_pages():
    """Wagtail's scheduled publishing and expiry of pages and snippets."""
    call_command("publish_scheduled", stdout=io.StringIO())


def clear_expired_sessions():
    call_command("clearsessions")


def register_jobs():
    scheduler.register("cms.publish_scheduled", publish_scheduled_pages)
    scheduler.register("tasks.recover_stale", taskqueue.recover_stale_tasks)
    scheduler.register("retention.sessions", clear_expired_sessions, daily=True)
    scheduler.register("retention.task_results", taskqueue.prune_task_results, daily=True)
