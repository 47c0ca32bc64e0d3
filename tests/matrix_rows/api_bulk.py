"""Rows for the pipeline endpoints: the task bulk (POST only) and a whole show's shots with their tasks.

What each role may change through the bulk, and the stream's content, are in tests/shots/test_api_bulk.py.
"""

from .base import Row, api, fixed, of

ROWS: dict[str, Row] = {
    # POST only: DRF authenticates first, so anonymous is a 401 and everyone else a 405.
    "api:task-bulk": Row(fixed("api:task-bulk"), api(405)),
    # Like the shot and task lists: everyone on the show gets 200 with what they may see (a client: []), another
    # show is a 404 like a missing one.
    "api:show-shots-with-tasks": Row(
        of("api:show-shots-with-tasks", code=lambda s: s.show.code), own=api(200), other=api(404, admin=200)
    ),
}
