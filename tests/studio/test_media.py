import pytest
from django.core.files.base import ContentFile
from django.test import Client

from dailies.models import ReviewItem
from studio.models import Role
from tests.dailies.factories import ReviewSessionFactory, VersionFactory
from tests.shots.factories import TaskFactory
from tests.studio.factories import MembershipFactory, PersonFactory, ShowFactory

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n slate thumbnail"


def logged_in(person) -> Client:
    client = Client()
    client.force_login(person)
    return client


@pytest.fixture
def show():
    return ShowFactory(code="RBT")


@pytest.fixture
def version(show):
    task = TaskFactory(shot__sequence__show=show, shot__code="SQ010_SH0010")
    return VersionFactory(task=task, number=3, media=ContentFile(PNG, name="frame.png"))


def member(show, role):
    person = PersonFactory(role=role)
    MembershipFactory(person=person, show=show)
    return person


def test_a_member_of_the_show_gets_the_image_inline(show, version):
    response = logged_in(member(show, Role.ARTIST)).get(version.media.url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PNG
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"] == 'inline; filename="frame.png"'
    assert response["Cache-Control"] == "private, max-age=3600"


def test_someone_from_another_show_gets_404_like_a_missing_file(show, version):
    stranger = member(ShowFactory(code="KTL"), Role.PRODUCER)
    assert logged_in(stranger).get(version.media.url).status_code == 404
    assert logged_in(stranger).get("/media/versions/nothing-here.png").status_code == 404


def test_anonymous_people_are_sent_to_log_in(version):
    response = Client().get(version.media.url)
    assert (response.status_code, response["Location"]) == (302, f"/login/?next={version.media.url}")


def test_a_client_sees_only_media_of_versions_in_a_released_client_session(show, version):
    client = member(show, Role.CLIENT)
    assert logged_in(client).get(version.media.url).status_code == 404
    session = ReviewSessionFactory(show=show, kind="client")
    ReviewItem.objects.create(session=session, version=version)
    assert logged_in(client).get(version.media.url).status_code == 404  # not released yet
    session.released_at = session.created_at
    session.save()
    assert logged_in(client).get(version.media.url).status_code == 200


def test_uploaded_html_is_a_download_never_a_page(show):
    task = TaskFactory(shot__sequence__show=show)
    version = VersionFactory(task=task, media=ContentFile(b"<script>alert(1)</script>", name="notes.html"))
    response = logged_in(member(show, Role.COORDINATOR)).get(version.media.url)
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="notes.html"'


def test_paths_outside_any_record_are_404(show, version):
    coordinator = logged_in(member(show, Role.COORDINATOR))
    assert coordinator.get("/media/../studio/settings.py").status_code == 404
    assert coordinator.get("/media/%2e%2e/studio/settings.py").status_code == 404
