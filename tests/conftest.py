import pytest
from django.test import override_settings


@pytest.fixture(scope="session", autouse=True)
def _media_root(tmp_path_factory):
    """Uploads go to one temporary folder for the run: never the developer's media/, and a file written by a
    module-scoped fixture is still there when a test fetches it."""
    with override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media")):
        yield
