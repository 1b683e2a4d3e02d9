from django import forms
from django.utils.translation import gettext_lazy as _

from live import services


class FollowForm(forms.Form):
    email = forms.EmailField(label=_("E-mail"), max_length=254)
    topic = forms.CharField(widget=forms.HiddenInput, max_length=64)
    title = forms.CharField(widget=forms.HiddenInput, max_length=200)
    signature = forms.CharField(widget=forms.HiddenInput, max_length=100)

    def clean(self):
        data = super().clean()
        topic, title = data.get("topic", ""), data.get("title", "")
        if not services.FOLLOWABLE_TOPIC.match(topic) or not services.follow_signature_is_valid(
            topic, title, data.get("signature")
        ):
            raise forms.ValidationError(
                _("This follow link is not valid. Please use the form on the leopard's page."),
                code="bad_signature",
            )
        return data
