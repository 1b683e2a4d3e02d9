import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Event(models.Model):
    """One public event, in order. Its id is what a client resumes from."""

    topic = models.CharField(_("topic"), max_length=64, db_index=True)
    kind = models.CharField(_("kind"), max_length=64)
    # Public by construction: publishers put nothing private here.
    payload = models.JSONField(_("payload"), default=dict)
    # What each language needs: {"ru": {...}, "en": {...}, "zh-hans": {...}}.
    localized = models.JSONField(_("localized texts"), default=dict)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("live event")
        verbose_name_plural = _("live events")
        ordering = ["id"]
        indexes = [models.Index(fields=["topic", "id"])]

    def __str__(self):
        return f"#{self.pk} {self.topic} {self.kind}"

    def as_message(self):
        return {
            "id": self.pk,
            "topic": self.topic,
            "kind": self.kind,
            "payload": self.payload,
            "localized": self.localized,
            "created_at": self.created_at.isoformat(),
        }


def new_follower_token():
    return secrets.token_urlsafe(32)


class FollowerQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status=Follower.Status.ACTIVE)


class Follower(models.Model):
    """Someone who asked for e-mail about one topic (a leopard), with no account.

    The token in their links confirms and unsubscribes: whoever holds the mailbox holds it.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for confirmation")
        ACTIVE = "active", _("following")
        UNSUBSCRIBED = "unsubscribed", _("unsubscribed")

    email = models.EmailField(_("e-mail"))
    topic = models.CharField(_("topic"), max_length=64)
    # The name they followed, as the page showed it in their language.
    title = models.CharField(_("title"), max_length=200)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    token = models.CharField(max_length=64, unique=True, default=new_follower_token, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    confirmation_sent_at = models.DateTimeField(_("confirmation sent at"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    unsubscribed_at = models.DateTimeField(_("unsubscribed at"), null=True, blank=True)

    objects = FollowerQuerySet.as_manager()

    class Meta:
        verbose_name = _("follower")
        verbose_name_plural = _("followers")
        constraints = [
            models.UniqueConstraint(fields=["email", "topic"], name="live_follower_once_per_topic")
        ]
        indexes = [models.Index(fields=["topic", "status"])]

    def __str__(self):
        return f"{self.email} → {self.topic} ({self.status})"


class Delivery(models.Model):
    """One e-mail to one follower about one subject (a sighting): unique, so never sent twice.

    A batch claims its rows first (insert, ignoring conflicts) and sends only what it claimed.
    """

    follower = models.ForeignKey(Follower, on_delete=models.CASCADE, related_name="deliveries")
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="deliveries")
    # "sighting:<id>": a sighting published twice is still one e-mail.
    subject = models.CharField(_("subject"), max_length=100)
    batch = models.UUIDField(_("batch"), db_index=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("e-mail delivery")
        verbose_name_plural = _("e-mail deliveries")
        constraints = [
            models.UniqueConstraint(
                fields=["follower", "subject"], name="live_delivery_once_per_subject"
            )
        ]

    def __str__(self):
        return f"{self.subject} → {self.follower_id}"
