"""Editorial cut import: upload, dry-run report, apply with progress; and the shot CSV export."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRefresh

from studio import permissions
from studio.htmx import render_page, wants_partial
from studio.models import Show

from .. import cut_import
from ..cut_forms import CutUploadForm
from ..editorial import DEFAULT_CODE_PATTERN, EditorialError
from ..models import CutImportJob, CutImportState

RECENT_IMPORTS = 50
WORKING_STATES = (CutImportState.UPLOADED, CutImportState.APPLYING)


def _importer_show(request, code: str) -> Show:
    """The show, for its coordinators, production managers and producers; 403 for its other staff, 404 else."""
    show = permissions.staff_show(request.user, code)
    cut_import.require_cut_importer(request.user, show)
    return show


@login_required
def cut_list(request, code: str):
    """Past imports of the show, and the upload form (POST: store the file and its report, then show it)."""
    show = _importer_show(request, code)
    form = CutUploadForm()
    if request.method == "POST":
        form = CutUploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                job = cut_import.cut_import_job_create(
                    actor=request.user,
                    show=show,
                    data=upload.read(),
                    filename=upload.name,
                    pattern=form.cleaned_data["pattern"],
                    only_its_sequences=form.cleaned_data["only_its_sequences"],
                )
            except EditorialError as error:
                form.add_error("file", f"Line {error.line}: {error.message}" if error.line else error.message)
            else:
                return redirect("shots:cut_detail", code=show.code, pk=job.pk)
    jobs = list(CutImportJob.objects.filter(show=show).select_related("uploaded_by")[:RECENT_IMPORTS])
    context = {
        "show": show,
        "form": form,
        "jobs": jobs,
        "recent_limit": RECENT_IMPORTS,
        "default_pattern": DEFAULT_CODE_PATTERN,
        "first_frame": show.default_head_in + show.default_handles,
        "export_url": reverse("shots:cut_shots_csv", kwargs={"code": show.code}),
    }
    return render_page(request, "shots/cut_import_list.html", context)


@login_required
def cut_detail(request, code: str, pk: int):
    """The dry-run report and the Apply button; while a worker reads or applies the cut, htmx polls the progress
    partial every second, and the whole page reloads once the job is done."""
    show = _importer_show(request, code)
    job = get_object_or_404(CutImportJob.objects.select_related("uploaded_by", "applied_by"), show=show, pk=pk)
    if wants_partial(request) and job.state not in WORKING_STATES:
        return HttpResponseClientRefresh()
    context = {
        "show": show,
        "job": job,
        "report": job.result if job.state == CutImportState.APPLIED else job.report,
        "working": job.state in WORKING_STATES,
        "can_apply": job.is_ready_to_apply,
    }
    return render_page(request, "shots/cut_import_detail.html", context, partial="job-progress")


@login_required
@require_POST
def cut_apply(request, code: str, pk: int):
    show = _importer_show(request, code)
    job = get_object_or_404(CutImportJob, show=show, pk=pk)
    try:
        cut_import.cut_import_job_request_apply(actor=request.user, job=job)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("shots:cut_detail", code=show.code, pk=job.pk)


@login_required
def cut_shots_csv(request, code: str):
    """The show's shots as the CSV the import reads back (every staff member of the show may download it)."""
    show = permissions.staff_show(request.user, code)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{show.code}_shots.csv"'
    cut_import.write_shots_csv(show=show, out=response)
    return response


urlpatterns = [
    path("shows/<str:code>/cuts/", cut_list, name="cut_list"),
    path("shows/<str:code>/cuts/shots.csv", cut_shots_csv, name="cut_shots_csv"),
    path("shows/<str:code>/cuts/<int:pk>/", cut_detail, name="cut_detail"),
    path("shows/<str:code>/cuts/<int:pk>/apply/", cut_apply, name="cut_apply"),
]
