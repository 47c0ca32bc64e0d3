"""Celery tasks of the breakdown: ids in, a service call, idempotent and safe to retry."""

from celery import shared_task

from . import cut_import
from .models import CutImportState


@shared_task(acks_late=True)
def cut_import_report(job_id: int) -> None:
    """Build the dry-run report of a large uploaded cut (a job in state "uploaded")."""
    cut_import.cut_import_job_build_report(job_id=job_id)


@shared_task(acks_late=True)
def cut_import_run(job_id: int) -> None:
    """Apply a cut someone asked to apply (a job in state "applying"); all or nothing, so a retry is safe."""
    cut_import.cut_import_job_run(job_id=job_id)


@shared_task
def resume_stalled_cut_imports() -> int:
    """Beat sweep: send again the cut imports that have waited too long for a worker."""
    stalled = cut_import.stalled_cut_imports_claim()
    for job_id, state in stalled:
        (cut_import_run if state == CutImportState.APPLYING else cut_import_report).delay(job_id)
    return len(stalled)
