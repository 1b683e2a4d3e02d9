"""Background work of the live app (django-tasks: at once when embedded, a worker in production)."""

import uuid

from django_tasks import task

from cms.taskqueue import email_task
from live import services
from live.models import Event, Follower


@task()
def email_followers(event_id):
    """Splits a sighting's followers into batches, each its own task, so none runs long."""
    event = Event.objects.get(pk=event_id)
    batches = services.follower_batches(event)
    for follower_ids in batches:
        # The batch's id travels with the task: a run after a dead worker resumes its claims.
        email_follower_batch.enqueue(event_id, follower_ids, batch=str(uuid.uuid4()))
    return len(batches)


@email_task()
def email_follower_batch(event_id, follower_ids, batch=None):
    return services.email_follower_batch(Event.objects.get(pk=event_id), follower_ids, batch=batch)


@task()
def record_follow_request(email, topic, title, language):
    services.request_follow(email, topic, title, language)


@email_task()
def send_follow_confirmation(follower_id):
    follower = Follower.objects.filter(pk=follower_id, status=Follower.Status.PENDING).first()
    if follower is not None:
        services.send_follow_confirmation(follower)
