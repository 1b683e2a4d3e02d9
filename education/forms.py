import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.documents.forms import BaseDocumentForm

from cms.formats import local_date
from education import conf
from education.models import ClassVisitRequest
from education.uploads import validate_document

# How far ahead a class can ask to come: the desk needs a few days to arrange guides.
EARLIEST_DAYS_AHEAD = 3
LATEST_DAYS_AHEAD = 365


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class ClassVisitForm(forms.ModelForm):
    submission_key = forms.UUIDField(widget=forms.HiddenInput)
    consent = forms.BooleanField(
        label=_(
            "I agree that the park keeps these details to arrange the visit and deletes them "
            "afterwards."
        ),
        error_messages={"required": _("We need your consent to store the request.")},
    )

    class Meta:
        model = ClassVisitRequest
        fields = [
            "event",
            "school",
            "teacher_name",
            "email",
            "phone",
            "class_size",
            "age_from",
            "age_to",
            "visit_language",
            "preferred_date",
            "alternative_date",
            "needs",
        ]
        widgets = {
            "preferred_date": DateInput(),
            "alternative_date": DateInput(),
            "needs": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["class_size"].widget.attrs.update(min=1, max=conf.max_class_size())
        for name in ("age_from", "age_to"):
            self.fields[name].widget.attrs.update(min=3, max=19)
        from education.models import EventPage

        event = self.fields["event"]
        event.queryset = (
            EventPage.objects.live().filter(start__gte=timezone.now()).order_by("start")
        )
        event.label_from_instance = lambda page: (
            f"{page.localized.title} · {local_date(page.start)}"
        )
        event.empty_label = _("No particular event")
        today = timezone.localdate()
        for name in ("preferred_date", "alternative_date"):
            self.fields[name].widget.attrs.update(
                min=(today + datetime.timedelta(days=EARLIEST_DAYS_AHEAD)).isoformat(),
                max=(today + datetime.timedelta(days=LATEST_DAYS_AHEAD)).isoformat(),
            )
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.fields["teacher_name"].widget.attrs["autocomplete"] = "name"
        self.fields["phone"].widget.attrs["autocomplete"] = "tel"
        self.fields["school"].widget.attrs["autocomplete"] = "organization"

    def clean_class_size(self):
        size = self.cleaned_data["class_size"]
        if size > conf.max_class_size():
            raise forms.ValidationError(
                _(
                    "A group can have at most %(limit)s pupils; for a bigger group send two requests."
                ),
                params={"limit": conf.max_class_size()},
            )
        return size

    def _clean_visit_date(self, name):
        value = self.cleaned_data.get(name)
        if value is None:
            return value
        today = timezone.localdate()
        if value < today + datetime.timedelta(days=EARLIEST_DAYS_AHEAD):
            raise forms.ValidationError(
                _("Choose a date at least %(days)s days from today."),
                params={"days": EARLIEST_DAYS_AHEAD},
            )
        if value > today + datetime.timedelta(days=LATEST_DAYS_AHEAD):
            raise forms.ValidationError(_("Choose a date within the next twelve months."))
        return value

    def clean_preferred_date(self):
        return self._clean_visit_date("preferred_date")

    def clean_alternative_date(self):
        return self._clean_visit_date("alternative_date")

    def clean(self):
        cleaned = super().clean()
        age_from, age_to = cleaned.get("age_from"), cleaned.get("age_to")
        if age_from is not None and age_to is not None and age_to < age_from:
            self.add_error("age_to", _("The oldest pupil's age cannot be below the youngest's."))
        preferred, alternative = cleaned.get("preferred_date"), cleaned.get("alternative_date")
        if preferred and alternative and preferred == alternative:
            self.add_error("alternative_date", _("Give a different date, or leave it empty."))
        return cleaned

    def request_details(self):
        """The request's fields for services.request_class_visit."""
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class SafeDocumentForm(BaseDocumentForm):
    """Wagtail's document form, refusing anything but a safe teaching file.

    Active once settings.WAGTAILDOCS_DOCUMENT_FORM_BASE names it (docs/education.md).
    """

    def clean_file(self):
        file = self.cleaned_data.get("file")
        if file and "file" in self.changed_data:
            validate_document(file)
        return file
