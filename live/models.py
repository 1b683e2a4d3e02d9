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
