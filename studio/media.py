"""Uploaded files are served only to people who may see the record that owns them.

Media URLs (`/media/<name>`) are what FileField.url gives; this view finds the owning record (a version's
media, a note attachment, a cut file), asks the permissions module, and streams the file. Anything else, or
anything the person may not see, is a 404 — the same answer as a file that does not exist.
"""

import mimetypes

from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.views.decorators.http import require_GET

from . import permissions

# Types a browser may show inline; everything else downloads, so an uploaded HTML file can never run here.
INLINE_TYPES = ("image/png", "image/jpeg", "image/gif", "image/webp", "video/mp4", "video/webm", "video/quicktime")


def media_owner(name: str):
    """The record whose file this is, or None."""
    from dailies.models import NoteAttachment, Version
    from shots.models import CutImportJob

    for model, field in ((Version, "media"), (NoteAttachment, "file"), (CutImportJob, "file")):
        owner = model._default_manager.filter(**{field: name}).first()
        if owner is not None:
            return owner
    return None


@login_required
@require_GET
def protected_media(request, name: str):
    owner = media_owner(name)
    if owner is None or not permissions.can_view(request.user, owner) or not default_storage.exists(name):
        raise Http404("No such file.")
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    inline = content_type in INLINE_TYPES
    response = FileResponse(
        default_storage.open(name, "rb"),
        content_type=content_type,
        as_attachment=not inline,
        filename=name.rsplit("/", 1)[-1],
    )
    response["Cache-Control"] = "private, max-age=3600"
    return response
