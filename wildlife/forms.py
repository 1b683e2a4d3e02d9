from django import forms
from django.utils.translation import gettext_lazy as _

from wildlife.models import Highlight, LeopardPage, Provider, Species

LANGUAGE_SUFFIXES = ("ru", "en", "zh_hans")
STORY_FIELDS = [
    f"{name}_{suffix}"
    for suffix in LANGUAGE_SUFFIXES
    for name in ("story_title", "story", "image_alt")
]


class VettingForm(forms.ModelForm):
    """A vetter's decision on a highlight: who it is, the crop, the story in three languages."""

    DECISIONS = {"approve", "reject", "unidentifiable"}

    new_profile_code = forms.CharField(
        label=_("…or start a draft profile with the code"),
        max_length=30,
        required=False,
        help_text=_(
            'For an individual not on the site yet, e.g. "Leo 112F". Approving makes its '
            "profile as a draft; the editors are e-mailed, and the sighting is published "
            "once an editor publishes the profile (and its embargo is over)."
        ),
    )

    class Meta:
        model = Highlight
        fields = [
            "leopard",
            "crop_left",
            "crop_top",
            "crop_right",
            "crop_bottom",
            *STORY_FIELDS,
            "provider_approved_by",
            "provider_approved_on",
            "provider_approval_reference",
        ]
        widgets = {
            "provider_approved_on": forms.DateInput(attrs={"type": "date"}),
            **{
                f"story_{suffix}": forms.Textarea(attrs={"rows": 3}) for suffix in LANGUAGE_SUFFIXES
            },
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["leopard"].queryset = LeopardPage.objects.filter(
            species=self.instance.species
        ).order_by("code")
        self.fields["leopard"].label_from_instance = lambda page: (
            f"{page.code} — {page.name}" if page.name else page.code
        )
        for name in ("crop_left", "crop_top", "crop_right", "crop_bottom"):
            self.fields[name].widget.attrs.update(step="0.01", min="0", max="1")
        if not self.instance.provider.requires_consent:
            for name in (
                "provider_approved_by",
                "provider_approved_on",
                "provider_approval_reference",
            ):
                self.fields[name].required = False

    def language_groups(self):
        return [
            (suffix, [self[f"{name}_{suffix}"] for name in ("story_title", "story", "image_alt")])
            for suffix in LANGUAGE_SUFFIXES
        ]


class PickHighlightForm(forms.Form):
    provider = forms.ModelChoiceField(Provider.objects.all(), label=_("Data provider"))
    observation_id = forms.CharField(label=_("Observation ID"), max_length=100)


class ImportForm(forms.Form):
    provider = forms.ModelChoiceField(Provider.objects.all(), label=_("Data provider"))
    package = forms.FileField(
        label=_("Camtrap DP package (.zip)"),
        help_text=_(
            "A zip with datapackage.json and the deployments, media and observations tables."
        ),
    )

    def clean_package(self):
        package = self.cleaned_data["package"]
        if not package.name.lower().endswith(".zip"):
            raise forms.ValidationError(_("Upload the package as a .zip file."))
        return package


class EmbargoForm(forms.Form):
    species = forms.ModelChoiceField(Species.objects.all(), label=_("Species"))
    days = forms.IntegerField(label=_("Embargo (days after capture)"), min_value=0, max_value=1500)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for withdrawal"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept with the sighting and shown in its history; never shown publicly."),
    )
