"""Rows for the shot grid: the page, its next rows, its CSV export, its bulk edit and a task's cell."""

from .base import Row, answers, of, page

SHOW_CODE = {"code": lambda s: s.show.code}

ROWS: dict[str, Row] = {
    # Staff of the show see its grid; clients are on the show but get a 404, like a stranger.
    "shots:shot_grid": Row(of("shots:shot_grid", **SHOW_CODE), own=page(200, client=404), other=page(404, admin=200)),
    "shots:shot_grid_rows": Row(
        of("shots:shot_grid_rows", **SHOW_CODE), own=page(200, client=404), other=page(404, admin=200)
    ),
    "shots:shot_grid_csv": Row(
        of("shots:shot_grid_csv", **SHOW_CODE), own=page(200, client=404), other=page(404, admin=200)
    ),
    # POST only, for everyone (tests/shots/test_grid.py posts to it as each role).
    "shots:shot_grid_bulk": Row(of("shots:shot_grid_bulk", **SHOW_CODE), own=answers(405), other=answers(405)),
    # A task's cell: every staff member of the show may read it (editing is checked on ?edit=1 and POST).
    "shots:task_cell": Row(
        of("shots:task_cell", pk=lambda s: s.task.pk), own=page(200, client=404), other=page(404, admin=200)
    ),
}
