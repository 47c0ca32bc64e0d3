import pytest
from django.test import override_settings

from studio.services import broker_mark_up


@pytest.fixture(scope="session", autouse=True)
def _media_root(tmp_path_factory):
    """Uploads go to one temporary folder for the run: never the developer's media/, and a file written by a
    module-scoped fixture is still there when a test fetches it."""
    with override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media")):
        yield


@pytest.fixture(autouse=True)
def _broker_not_marked_down():
    """A test that takes the broker down must not leave enqueue_on_commit silent for the next test."""
    broker_mark_up()
    yield
    broker_mark_up()
