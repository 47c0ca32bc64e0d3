"""A real Celery worker against Redis applies a cut the page asked it to apply: the message is sent only once the
request's transaction has committed, and the job ends "applied" with its shots written."""

import time
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from kombu import pools

from shots.models import CutImportJob, CutImportState, Shot
from studio.models import Role
from tests import test_celery_worker
from tests.studio.factories import MembershipFactory, PersonFactory, ShowFactory
from tests.test_celery_worker import celery_worker, publishing_app, queue_name  # noqa: F401 - fixtures

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

FIXTURES = Path(__file__).resolve().parent / "fixtures"
APPLY_TIMEOUT = 30


@pytest.fixture
def fresh_broker_pools():
    """kombu keeps one producer pool per broker URL for the whole process; publishing_app's teardown closes it, so
    whichever worker test publishes second would fail (enqueue_on_commit logs and swallows that). Start and end
    with fresh pools. Requested before celery_worker, so it is torn down after publishing_app."""

    def fresh() -> None:
        test_celery_worker._reset_broker_connections()  # the app's own pool and its cached producer pool
        pools.reset()  # kombu's process-wide pools, which the app's producer pool comes from

    fresh()
    yield
    fresh()


@pytest.fixture
def shared_media(settings):
    """The worker is another process with the test settings' MEDIA_ROOT: the upload must be stored there."""
    settings.MEDIA_ROOT = Path(settings.BASE_DIR) / "var" / "test-media"
    yield
    for job in CutImportJob.objects.all():
        job.file.delete(save=False)


def test_a_real_worker_applies_the_cut(client, fresh_broker_pools, celery_worker, queue_name, shared_media):  # noqa: F811
    show = ShowFactory(code="CUT")
    coordinator = MembershipFactory(show=show, person=PersonFactory(role=Role.COORDINATOR)).person
    client.force_login(coordinator)
    file = SimpleUploadedFile("cut_v1.edl", (FIXTURES / "cut_v1.edl").read_bytes())
    client.post(reverse("shots:cut_list", args=[show.code]), {"file": file})
    job = CutImportJob.objects.get()
    assert job.state == CutImportState.REPORTED

    broker = redis.Redis.from_url(settings.REDIS_URL)
    try:
        client.post(reverse("shots:cut_apply", args=[show.code, job.pk]))
        assert broker.llen(queue_name) == 1
    finally:
        broker.close()
    job.refresh_from_db()
    assert (job.state, Shot.objects.count()) == (CutImportState.APPLYING, 0)

    celery_worker.start()

    deadline = time.monotonic() + APPLY_TIMEOUT
    while job.state == CutImportState.APPLYING and time.monotonic() < deadline:
        time.sleep(0.1)
        job.refresh_from_db()
    assert job.state == CutImportState.APPLIED, f"{job.state} {job.error_message}\n{celery_worker.log()}"
    assert (job.progress_done, job.progress_total) == (4, 4)
    assert sorted(Shot.objects.filter(show=show).values_list("code", "cut_in", "cut_out")) == [
        ("SQ010_SH0010", 1009, 1056),
        ("SQ010_SH0020", 1009, 1068),
        ("SQ010_SH0030", 1009, 1044),
        ("SQ020_SH0010", 1009, 1032),
    ]
    assert "shots.tasks.cut_import_run" in celery_worker.log()
