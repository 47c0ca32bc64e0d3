"""The versions API: what each role lists and reads, submitting (studio path or upload), reviewing, filters, pages
and query counts."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dailies.models import Note, Version, VersionStatus
from shots.workflow import TaskStatus
from tests.dailies.factories import VersionFactory
from tests.shots.factories import ShotFactory, TaskFactory
from tests.studio.test_api import ROLES, ApiWorld, api_client_for, build_api_world

pytestmark = pytest.mark.django_db

LIST = "/api/v1/versions/"
STAFF = ["artist", "supervisor", "coordinator", "production_manager", "producer"]


@pytest.fixture
def world() -> ApiWorld:
    world = build_api_world()
    world.versions = {
        "mine": VersionFactory(task=world.task, number=1, author=world.people["artist"], comment="first pass"),
        "artist_2": VersionFactory(
            task=world.artist_2_task, number=3, author=world.people["artist_2"], status=VersionStatus.RETAKE
        ),
        "other": VersionFactory(task=world.other_task, number=1),
    }
    return world


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return sorted(row["id"] for row in response.json()["results"])


def detail(version) -> str:
    return reverse("api:version-detail", kwargs={"pk": version.pk})


def review(version) -> str:
    return reverse("api:version-review", kwargs={"pk": version.pk})


# --- Reading ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_the_list_holds_the_versions_of_the_persons_shows(world, role):
    v = world.versions
    listed = ids(api_client_for(world, role).get(LIST))
    if role == "admin":
        assert listed == sorted(version.pk for version in v.values())
    elif role == "client":
        assert listed == []
    else:
        assert listed == sorted([v["mine"].pk, v["artist_2"].pk])


@pytest.mark.parametrize(
    ("role", "own", "other"),
    [*((role, 200, 404) for role in STAFF), ("admin", 200, 200), ("client", 404, 404), ("anonymous", 401, 401)],
)
def test_detail_is_404_on_a_show_the_person_is_not_on(world, role, own, other):
    client = api_client_for(world, role)
    assert client.get(detail(world.versions["mine"])).status_code == own
    assert client.get(detail(world.versions["other"])).status_code == other


def test_detail_shape(world):
    version = world.versions["mine"]
    response = api_client_for(world, "supervisor").get(detail(version))
    version.refresh_from_db()
    assert response.json() == {
        "id": version.pk,
        "show": "RBT",
        "shot": {"id": world.shot.pk, "code": "SQ010_SH0010"},
        "task": {"id": world.task.pk, "task_type": {"id": world.animation_type.pk, "name": "Animation"}},
        "number": 1,
        "code": "v001",
        "author": {"id": world.people["artist"].pk, "username": "artist"},
        "status": "pending_review",
        "media": None,
        "studio_path": "/mnt/shows/SQ010_SH0010/v001.mov",
        "frame_in": None,
        "frame_out": None,
        "comment": "first pass",
        "created_at": version.created_at.isoformat().replace("+00:00", "Z"),
    }


# --- Submitting ---------------------------------------------------------------------------------------------


def test_an_artist_submits_a_studio_path(world):
    client = api_client_for(world, "artist")
    response = client.post(
        LIST,
        {"task": world.task.pk, "studio_path": "/mnt/v002.mov", "frame_in": 1009, "frame_out": 1056},
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["number"], body["code"], body["status"], body["studio_path"], body["frame_in"]) == (
        2,
        "v002",
        "pending_review",
        "/mnt/v002.mov",
        1009,
    )
    world.task.refresh_from_db()
    assert world.task.status == TaskStatus.PENDING_REVIEW
    world.versions["mine"].refresh_from_db()
    assert world.versions["mine"].status == VersionStatus.SUPERSEDED


def test_an_artist_uploads_a_file(world):
    client = api_client_for(world, "artist")
    media = SimpleUploadedFile("blocking.mov", b"movie", content_type="video/quicktime")
    response = client.post(LIST, {"task": world.task.pk, "media": media, "comment": "upload"}, format="multipart")
    assert response.status_code == 201, response.content
    assert response.json()["media"] == f"/media/versions/RBT/SQ010_SH0010/{world.animation_type.pk}/v002/blocking.mov"
    assert response.json()["studio_path"] == ""


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        ({"studio_path": ""}, {"studio_path": ["Give a studio path or upload a file."]}),
        (
            {"studio_path": "/a", "frame_in": 10, "frame_out": 9},
            {"frame_out": ["Frame out must not be before frame in."]},
        ),
        ({"studio_path": "/a", "number": 7}, {"number": ["This field is not accepted here."]}),
        ({"studio_path": "/a", "frame_in": "ten"}, {"frame_in": ["A valid integer is required."]}),
    ],
)
def test_bad_submissions_are_400_naming_the_field(world, data, errors):
    response = api_client_for(world, "artist").post(LIST, {"task": world.task.pk, **data}, format="json")
    assert (response.status_code, response.json()) == (400, errors)
    assert Version.objects.filter(task=world.task).count() == 1


def test_a_task_on_another_show_does_not_exist(world):
    response = api_client_for(world, "producer").post(
        LIST, {"task": world.other_task.pk, "studio_path": "/a"}, format="json"
    )
    assert (response.status_code, response.json()) == (
        400,
        {"task": [f'Invalid pk "{world.other_task.pk}" - object does not exist.']},
    )


def test_an_artist_cannot_submit_on_someone_elses_task(world):
    response = api_client_for(world, "artist").post(
        LIST, {"task": world.artist_2_task.pk, "studio_path": "/a"}, format="json"
    )
    assert response.status_code == 403
    assert Version.objects.filter(task=world.artist_2_task).count() == 1


def test_versions_are_never_patched_or_deleted(world):
    client = api_client_for(world, "admin")
    assert client.patch(detail(world.versions["mine"]), {"comment": "x"}, format="json").status_code == 405
    assert client.delete(detail(world.versions["mine"])).status_code == 405


# --- Reviewing ----------------------------------------------------------------------------------------------


def test_the_supervisor_approves(world):
    world.task.status = TaskStatus.PENDING_REVIEW
    world.task.save()
    response = api_client_for(world, "supervisor").post(review(world.versions["mine"]), {"outcome": "approve"})
    assert (response.status_code, response.json()["status"]) == (200, "approved")
    world.task.refresh_from_db()
    assert (world.task.status, world.task.retake_count) == (TaskStatus.APPROVED, 0)


def test_a_retake_with_a_note(world):
    response = api_client_for(world, "coordinator").post(
        review(world.versions["mine"]), {"outcome": "retake", "note": "Needs more weight."}, format="json"
    )
    assert (response.status_code, response.json()["status"]) == (200, "retake")
    world.task.refresh_from_db()
    assert (world.task.status, world.task.retake_count) == (TaskStatus.RETAKE, 1)
    assert list(Note.objects.values_list("body", "recipients__username")) == [("Needs more weight.", "artist")]


@pytest.mark.parametrize(("role", "status"), [("artist", 403), ("client", 404), ("anonymous", 401)])
def test_people_who_do_not_review_cannot(world, role, status):
    response = api_client_for(world, role).post(review(world.versions["mine"]), {"outcome": "approve"})
    assert response.status_code == status
    world.versions["mine"].refresh_from_db()
    assert world.versions["mine"].status == VersionStatus.PENDING_REVIEW


def test_review_errors_name_the_field(world):
    client = api_client_for(world, "supervisor")
    response = client.post(review(world.versions["mine"]), {"outcome": "maybe"})
    assert (response.status_code, response.json()) == (400, {"outcome": ['"maybe" is not a valid choice.']})
    response = client.post(review(world.versions["artist_2"]), {"outcome": "approve"})
    assert (response.status_code, response.json()) == (
        400,
        {"version": ["v003 is no longer waiting for review: it is Retake."]},
    )


# --- Filters and pages --------------------------------------------------------------------------------------


def test_filters(world):
    client = api_client_for(world, "admin")
    v = world.versions
    assert ids(client.get(LIST, {"show": "RBT"})) == sorted([v["mine"].pk, v["artist_2"].pk])
    assert ids(client.get(LIST, {"task": world.task.pk})) == [v["mine"].pk]
    assert ids(client.get(LIST, {"shot": world.shot_2.pk})) == [v["artist_2"].pk]
    assert ids(client.get(LIST, {"status": ["retake", "approved"]})) == [v["artist_2"].pk]
    assert ids(api_client_for(world, "artist").get(LIST, {"author": "me"})) == [v["mine"].pk]
    assert ids(client.get(LIST, {"author": world.people["artist_2"].pk})) == [v["artist_2"].pk]


@pytest.mark.parametrize(
    ("params", "field"),
    [({"task": "abc"}, "task"), ({"author": "someone"}, "author"), ({"status": "lost"}, "status")],
)
def test_a_bad_filter_is_a_400_naming_it(world, params, field):
    response = api_client_for(world, "admin").get(LIST, params)
    assert response.status_code == 400
    assert list(response.json()) == [field]


def test_cursor_pages(world):
    client = api_client_for(world, "admin")
    first = client.get(LIST, {"page_size": 2}).json()
    second = client.get(first["next"]).json()
    assert [len(first["results"]), len(second["results"]), second["next"]] == [2, 1, None]
    assert sorted(r["id"] for r in first["results"] + second["results"]) == sorted(
        v.pk for v in world.versions.values()
    )


def _queries(client, url) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), len(response.json()["results"])


def test_the_list_makes_the_same_queries_for_2_and_32_versions(world):
    client = api_client_for(world, "coordinator")
    small = _queries(client, LIST)
    for index in range(30):
        task = TaskFactory(shot=ShotFactory(sequence=world.sequence, code=f"SQ010_SH{2000 + index:04d}"))
        VersionFactory(task=task, number=1)
    large = _queries(client, LIST)
    # session, person, the person's show roles, versions (with task, shot, show, task type, author)
    assert (small, large) == ((4, 2), (4, 32))
