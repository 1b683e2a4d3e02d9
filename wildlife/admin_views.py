"""Staff screens in the Wagtail admin: vetting, private images, imports, embargo changes.

Raw images and places are shown only to users with wildlife.view_private_media (the
Wildlife vetters group); every view here checks its permission itself.
"""

import tempfile
from pathlib import Path

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django.views.generic import FormView, TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from cms import params
from wildlife import services
from wildlife.forms import EmbargoForm, ImportForm, PickHighlightForm, VettingForm, WithdrawForm
from wildlife.images import ImageRejected, clean_image
from wildlife.models import (
    Highlight,
    ImportRun,
    Media,
    Observation,
    PublishedSighting,
)
from wildlife.models.camtrap import private_storage

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
    crop = tuple(
        _crop_side(request, key, saved)
        for key, saved in zip(("l", "t", "r", "b"), highlight.crop_box, strict=True)
    )
    left, top, right, bottom = crop
    if not (left < right and top < bottom):
        raise params.BadParameter("an empty crop")
    try:
        with highlight.media.stored_file.open("rb") as raw:
            data, _w, _h = clean_image(raw, crop, max_size=(800, 600))
    except (ValueError, ImageRejected) as error:
        return HttpResponse(str(error), status=400, content_type="text/plain; charset=utf-8")
    response = HttpResponse(data, content_type="image/jpeg")
    response["Cache-Control"] = "private, no-store"
    return response


def _crop_side(request, key, saved):
    """One side of the crop being chosen, a fraction of the image; the saved one if not given."""
    given = params.parse_float(request.GET.get(key), min_value=0, max_value=1)
    return saved if given is None else given


THUMBNAIL_SIZE = (480, 360)


def highlight_thumbnail(request, pk):
    """A small JPEG of a candidate for the queue's grid, to vetters only.

    Candidates are raw frames in private storage, so they cannot be Wagtail images (whose
    renditions are public files under MEDIA_URL). The thumbnail is made once from the public
    crop pipeline (info strips cut, metadata gone) and kept in private storage beside the raw
    file; the browser may keep it privately for an hour.
    """
    _require(request, PRIVATE)
    highlight = get_object_or_404(Highlight.objects.select_related("media"), pk=pk)
    media = highlight.media
    if not media.stored_file:
        raise Http404
    storage = private_storage()
    name = f"thumbnails/{media.content_sha256 or media.pk}-{THUMBNAIL_SIZE[0]}.jpg"
    if not storage.exists(name):
        try:
            with media.stored_file.open("rb") as raw:
                data, _w, _h = clean_image(raw, (0, 0, 1, 1), max_size=THUMBNAIL_SIZE)
        except ImageRejected:
            raise Http404 from None
        name = storage.save(name, ContentFile(data))
    response = FileResponse(storage.open(name, "rb"), content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Robots-Tag"] = "noindex"
    return response


class VettingQueueView(WagtailAdminTemplateMixin, TemplateView):
    """Candidates as a grid of thumbnails, sequences together, decided by keyboard or in bulk."""

    template_name = "wildlife/admin/vetting_queue.html"
    page_title = gettext_lazy("Vetting queue")
    header_icon = "view"

    def dispatch(self, request, *args, **kwargs):
        _require(request, PRIVATE)
        _require(request, "wildlife.change_highlight")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        provider = self.request.GET.get("provider", "")
        queue = services.vetting_queue(provider=params.parse_id(provider))
        context.update(
            sequences=queue,
            count=sum(len(items) for items in queue),
            limit=services.QUEUE_LIMIT,
            providers=services.providers(),
            provider=provider,
        )
        return context


@require_POST
def decide_highlight(request, pk):
    """One decision from the queue's keyboard: approve (with the preselected individual),
    reject or unidentifiable. JSON for the page's script; the vetting screen for the rest."""
    _require(request, PRIVATE)
    _require(request, "wildlife.change_highlight")
    highlight = get_object_or_404(Highlight.objects.select_related("species", "provider"), pk=pk)
    decision = request.POST.get("decision")
    if decision not in VettingForm.DECISIONS:
        return JsonResponse({"error": _("Choose approve, reject or unidentifiable.")}, status=400)
    if highlight.status != Highlight.Status.CANDIDATE:
        return JsonResponse({"error": _("This highlight was decided already.")}, status=409)
    try:
        if decision == "approve":
            if highlight.leopard is None:
                highlight.leopard = services.known_individual(highlight)
            highlight = services.approve_highlight(highlight, request.user)
        else:
            highlight = services.reject_highlight(
                highlight, request.user, unidentifiable=decision == "unidentifiable"
            )
    except ValidationError as error:
        return JsonResponse(
            {
                "error": " ".join(error.messages),
                "edit_url": reverse("wildlife_highlight:edit", args=[highlight.pk]),
            },
            status=400,
        )
    return JsonResponse(
        {"status": highlight.status, "message": decision_outcome(highlight, timezone.now())}
    )


@require_POST
def bulk_decide(request):
    """Reject or mark unidentifiable every selected candidate of the queue."""
    _require(request, PRIVATE)
    _require(request, "wildlife.change_highlight")
    decision = request.POST.get("decision")
    ids = [params.parse_id(value) for value in request.POST.getlist("highlight")]
    ids = [pk for pk in ids if pk]
    if decision not in ("reject", "unidentifiable") or not ids:
        messages.error(
            request, _("Select highlights, then reject them or mark them unidentifiable.")
        )
        return redirect("wildlife_vetting_queue")
    done = services.bulk_reject(
        Highlight.objects.filter(pk__in=ids),
        request.user,
        unidentifiable=decision == "unidentifiable",
    )
    messages.success(request, _("%(count)s highlights decided.") % {"count": done})
    return redirect("wildlife_vetting_queue")


def decision_outcome(highlight, now):
    """What the vetter is told after a decision: what happens next, dates in park time."""
    if highlight.status == Highlight.Status.PUBLISHED:
        return _("Published on the profile of %(leopard)s.") % {"leopard": highlight.leopard}
    if highlight.status == Highlight.Status.SCHEDULED:
        if not highlight.leopard.live:
            return _(
                "Approved. The profile of %(leopard)s is a draft: the sighting is published "
                "within a minute of an editor publishing the profile. The editors have been told."
            ) % {"leopard": highlight.leopard}
        return _("Approved: it will be published when the embargo ends on %(date)s.") % {
            "date": timezone.localdate(highlight.publish_after).isoformat()
        }
    return _("Marked as %(status)s.") % {"status": highlight.get_status_display()}


class WithdrawSightingView(WagtailAdminTemplateMixin, FormView):
    """A vetter or moderator takes a published sighting back, with a reason."""

    template_name = "wildlife/admin/withdraw_sighting.html"
    form_class = WithdrawForm
    page_title = gettext_lazy("Withdraw a sighting")
    header_icon = "warning"

    def dispatch(self, request, *args, **kwargs):
        _require(request, "wildlife.withdraw_publishedsighting")
        self.sighting = get_object_or_404(
            PublishedSighting.objects.select_related("leopard"), pk=kwargs["pk"]
        )
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return str(self.sighting)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "sighting": self.sighting}

    def form_valid(self, form):
        try:
            services.withdraw_sighting(
                self.sighting, self.request.user, form.cleaned_data["reason"]
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("The sighting was withdrawn from every public page, feed and search."),
        )
        return redirect("publishedsighting:index")

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = 400
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
        if self.highlight.leopard_id is None and self.request.method == "GET":
            self.highlight.leopard = services.known_individual(self.highlight)
        return {**super().get_form_kwargs(), "instance": self.highlight}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            highlight=self.highlight,
            deployment=self.highlight.media.deployment,
            observation=self.highlight.observation,
            can_decide=self.highlight.status != Highlight.Status.PUBLISHED,
            comparison=services.best_photos(self.highlight.leopard),
            queue_url=reverse("wildlife_vetting_queue"),
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
        messages.success(self.request, decision_outcome(highlight, timezone.now()))
        following = services.next_candidate(highlight)
        if following is not None:
            return redirect("wildlife_highlight:edit", following.pk)
        return redirect("wildlife_vetting_queue")

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = 400
        return response


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
