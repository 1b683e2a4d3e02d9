"""Staff screens in the Wagtail admin: vetting, private images, imports, embargo changes.

Raw images and places are shown only to users with wildlife.view_private_media (the
Wildlife vetters group); every view here checks its permission itself.
"""

import tempfile
from pathlib import Path

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from wildlife import services
from wildlife.forms import EmbargoForm, ImportForm, PickHighlightForm, VettingForm
from wildlife.images import ImageRejected, clean_image
from wildlife.models import Highlight, ImportRun, Media, Observation

PRIVATE = "wildlife.view_private_media"


def _require(request, permission):
    if not request.user.has_perm(permission):
        raise PermissionDenied


def media_file(request, pk):
    """A raw camera-trap image, to vetters only; never cached by shared caches."""
    _require(request, PRIVATE)
    media = get_object_or_404(Media, pk=pk)
    if not media.stored_file:
        raise Http404
    response = FileResponse(media.stored_file.open("rb"), content_type=media.file_mediatype)
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


def highlight_preview(request, pk):
    """The public image as publishing would make it, with the highlight's current crop."""
    _require(request, PRIVATE)
    highlight = get_object_or_404(Highlight.objects.select_related("media"), pk=pk)
    if not highlight.media.stored_file:
        raise Http404
    crop = highlight.crop_box
    try:
        crop = tuple(
            float(request.GET.get(k, v)) for k, v in zip(("l", "t", "r", "b"), crop, strict=True)
        )
        with highlight.media.stored_file.open("rb") as raw:
            data, _w, _h = clean_image(raw, crop, max_size=(800, 600))
    except (ValueError, ImageRejected) as error:
        return HttpResponse(str(error), status=400, content_type="text/plain; charset=utf-8")
    response = HttpResponse(data, content_type="image/jpeg")
    response["Cache-Control"] = "private, no-store"
    return response


class VetHighlightView(WagtailAdminTemplateMixin, FormView):
    """Approve, reject or mark unidentifiable; assign the individual, crop, write the story."""

    template_name = "wildlife/admin/vet_highlight.html"
    form_class = VettingForm
    header_icon = "view"
    index_url_name = "wildlife_highlight:index"

    def dispatch(self, request, *args, **kwargs):
        _require(request, PRIVATE)
        _require(request, "wildlife.change_highlight")
        self.highlight = get_object_or_404(
            Highlight.objects.select_related(
                "media__deployment__sector", "observation", "provider", "species", "leopard"
            ),
            pk=kwargs["pk"],
        )
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return _("Vet highlight")

    def get_page_subtitle(self):
        return str(self.highlight)

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse(self.index_url_name), "label": _("Vetting queue")},
            {"url": "", "label": self.get_page_subtitle()},
        ]

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.highlight}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            highlight=self.highlight,
            deployment=self.highlight.media.deployment,
            observation=self.highlight.observation,
            can_decide=self.highlight.status != Highlight.Status.PUBLISHED,
        )
        return context

    def form_valid(self, form):
        decision = self.request.POST.get("decision")
        if decision not in VettingForm.DECISIONS:
            form.add_error(None, _("Choose approve, reject or unidentifiable."))
            return self.form_invalid(form)
        highlight = form.save(commit=False)
        try:
            if decision == "approve":
                highlight = services.approve_highlight(
                    highlight,
                    self.request.user,
                    new_profile_code=form.cleaned_data["new_profile_code"],
                )
            else:
                highlight = services.reject_highlight(
                    highlight, self.request.user, unidentifiable=decision == "unidentifiable"
                )
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
            return self.form_invalid(form)
        messages.success(self.request, self._outcome(highlight))
        return redirect(self.index_url_name)

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = 400
        return response

    def _outcome(self, highlight):
        if highlight.status == Highlight.Status.PUBLISHED:
            return _("Published on the profile of %(leopard)s.") % {"leopard": highlight.leopard}
        if highlight.status == Highlight.Status.SCHEDULED:
            return _("Approved: it will be published when the embargo ends on %(date)s.") % {
                "date": highlight.publish_after.date().isoformat()
            }
        return _("Marked as %(status)s.") % {"status": highlight.get_status_display()}


class PickHighlightView(WagtailAdminTemplateMixin, FormView):
    """Staff pick an observation's image as a highlight when it is not a favourite."""

    template_name = "wildlife/admin/pick_highlight.html"
    form_class = PickHighlightForm
    page_title = gettext_lazy("Pick a highlight")
    header_icon = "plus"

    def dispatch(self, request, *args, **kwargs):
        _require(request, PRIVATE)
        _require(request, "wildlife.change_highlight")
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        observation = (
            Observation.objects.select_related("media")
            .filter(
                provider=form.cleaned_data["provider"],
                observation_id=form.cleaned_data["observation_id"].strip(),
            )
            .first()
        )
        if observation is None:
            form.add_error("observation_id", _("No such observation from this provider."))
            return self.form_invalid(form)
        try:
            highlight = services.pick_highlight(observation, self.request.user)
        except ValidationError as error:
            for message in error.messages:
                form.add_error("observation_id", message)
            return self.form_invalid(form)
        return redirect("wildlife_highlight:edit", highlight.pk)

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = 400
        return response


class ImportPackageView(WagtailAdminTemplateMixin, FormView):
    """Upload a Camtrap DP package (zip); it is imported whole or not at all."""

    template_name = "wildlife/admin/import_package.html"
    form_class = ImportForm
    page_title = gettext_lazy("Import camera-trap data")
    header_icon = "upload"

    def dispatch(self, request, *args, **kwargs):
        _require(request, "wildlife.add_importrun")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["recent_imports"] = ImportRun.objects.select_related("provider")[:10]
        return context

    def form_valid(self, form):
        upload = form.cleaned_data["package"]
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "package.zip"
            with open(path, "wb") as target:
                for chunk in upload.chunks():
                    target.write(chunk)
            try:
                run = services.import_package(
                    path, form.cleaned_data["provider"], user=self.request.user
                )
            except services.ImportFailed as failure:
                context = self.get_context_data(form=form, import_errors=failure.errors)
                return self.render_to_response(context, status=400)
        messages.success(
            self.request,
            _(
                "Imported %(deployments)s deployments, %(media)s media and %(observations)s "
                "observations; %(highlights)s new highlight candidates."
            )
            % {
                "deployments": run.deployments,
                "media": run.media,
                "observations": run.observations,
                "highlights": run.highlights,
            },
        )
        return redirect("wildlife_import")


class ChangeEmbargoView(WagtailAdminTemplateMixin, FormView):
    template_name = "wildlife/admin/change_embargo.html"
    form_class = EmbargoForm
    page_title = gettext_lazy("Change an embargo")
    header_icon = "time"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_superuser:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        from wildlife.models import EmbargoChange, Species

        context = super().get_context_data(**kwargs)
        context["species_list"] = Species.objects.all()
        context["changes"] = EmbargoChange.objects.select_related("species", "changed_by")[:20]
        return context

    def form_valid(self, form):
        services.change_embargo(
            form.cleaned_data["species"],
            form.cleaned_data["days"],
            form.cleaned_data["reason"],
            self.request.user,
        )
        messages.success(self.request, _("The embargo was changed and the reason recorded."))
        return redirect("wildlife_embargo")
