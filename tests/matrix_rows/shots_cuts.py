"""Rows for the cut import pages (shots/views/cuts.py).

The show is looked up among the person's staff shows: clients and strangers get a 404, like a missing show.
Importing a cut creates, changes and omits shots, so the pages are for the show's breakdown editors
(coordinator, production manager, producer) and admins; its other staff get a 403. The round-trip shot CSV is
for every staff member. Apply is POST only.
"""

from shots.cut_import import cut_report
from shots.editorial import Cut, CutEntry
from shots.models import CutImportJob, CutImportKind, CutImportState

from .base import Row, of, page

EDIT_OWN = page(403, coordinator=200, production_manager=200, producer=200, admin=200, client=404)
READ_OWN = page(200, client=404)
OTHER = page(404, admin=200)
POST_ONLY = page(405)

SHOW = {"code": lambda s: s.show.code}


def cut_import_of(sw) -> CutImportJob:
    """The show's cut import: the world's own when it has one, else one made here (rolled back with the test)."""
    job = CutImportJob.objects.filter(show=sw.show).order_by("pk").first()
    if job is None:
        entry = CutEntry(code=sw.shot.code, sequence_code=sw.sequence.code, frame_count=60, line=4, position=1)
        cut = Cut(kind="edl", entries=(entry,), fps=sw.show.fps, clip_count=1)
        job = CutImportJob.objects.create(
            show=sw.show,
            original_name=f"{sw.show.code.lower()}_reel1_v3.edl",
            file=f"cuts/{sw.show.code}/{sw.show.code.lower()}_reel1_v3.edl",
            kind=CutImportKind.EDL,
            fps=sw.show.fps,
            state=CutImportState.REPORTED,
            report=cut_report(show=sw.show, cut=cut).as_json(),
        )
    return job


JOB = {**SHOW, "pk": lambda s: cut_import_of(s).pk}

ROWS: dict[str, Row] = {
    "shots:cut_list": Row(of("shots:cut_list", **SHOW), own=EDIT_OWN, other=OTHER),
    "shots:cut_shots_csv": Row(of("shots:cut_shots_csv", **SHOW), own=READ_OWN, other=OTHER),
    "shots:cut_detail": Row(of("shots:cut_detail", **JOB), own=EDIT_OWN, other=OTHER),
    "shots:cut_apply": Row(of("shots:cut_apply", **JOB), own=POST_ONLY, other=POST_ONLY),
}
