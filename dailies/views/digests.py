"""Note digests: my digest settings, send now, and the outbox of what was sent.

    /me/digest/                 dailies:digest_settings   my digest time and on/off, what waits, my recent digests
    /me/digest/send/            dailies:digest_send_now   POST: send me my pending notes now
    /outbox/                    dailies:outbox            digests sent or waiting: admins all, everyone else their own
    /outbox/<id>/html/          dailies:outbox_html       the HTML version of one digest, as it was mailed

The outbox shows the plain-text version in the page (escaped like any text). The HTML version is the stored email
document: it is served alone, never mixed into a page, under a policy that sandboxes it (no script, no form, no
network, an opaque origin), so even a defect in the email's escaping could not run anything in Slate's origin.
"""

from __future__ import annotations

from csp.constants import NONE, SELF
from csp.decorators import csp
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from shots.selectors import person_zone
from studio import permissions
from studio.htmx import render_page

from .. import digests
from ..models import Digest

OUTBOX_PAGE_SIZE = 25

# The stored email document: its own <style> block, links out, nothing else.
EMAIL_DOCUMENT_POLICY = {
    "sandbox": True,
    "default-src": [NONE],
    "style-src": ["'unsafe-inline'"],
    "img-src": [SELF, "data:"],
    "base-uri": [NONE],
    "form-action": [NONE],
    "frame-ancestors": [NONE],
}


class DigestSettingsForm(forms.Form):
    digest_enabled = forms.BooleanField(
        required=False, label="Email me a digest of my notes", help_text="Once a day, at the time below."
    )
    digest_time = forms.TimeField(
        label="Digest time",
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        input_formats=["%H:%M", "%H:%M:%S"],
        error_messages={"invalid": "Enter a time of day like 18:00.", "required": "Enter a time of day like 18:00."},
    )


def _render(request, template: str, context: dict, *, status: int = 200):
    with timezone.override(person_zone(request.user)):
        return render_page(request, template, context, status=status)


def _settings_page(request, form: DigestSettingsForm, *, status: int = 200):
    person = request.user
    context = {
        "form": form,
        "zone": person_zone(person).key,
        "pending_count": digests.pending_note_count(person),
        "next_digest_at": digests.next_digest_at(person),
        "digests": list(digests.recent_digests(person)),
        "has_email": bool(person.email.strip()),
    }
    return _render(request, "dailies/digest_settings.html", context, status=status)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def digest_settings(request):
    person = request.user
    if request.method != "POST":
        form = DigestSettingsForm(
            initial={"digest_enabled": person.digest_enabled, "digest_time": person.digest_time.strftime("%H:%M")}
        )
        return _settings_page(request, form)
    form = DigestSettingsForm(request.POST)
    if not form.is_valid():
        return _settings_page(request, form, status=400)
    updated = digests.digest_settings_update(
        actor=person,
        person=person,
        digest_enabled=form.cleaned_data["digest_enabled"],
        digest_time=form.cleaned_data["digest_time"],
    )
    if updated.digest_enabled:
        messages.success(request, f"Your digest comes every day at {updated.digest_time:%H:%M} ({person.timezone}).")
    else:
        messages.success(request, "Digests are off: your notes stay in your inbox.")
    return redirect("dailies:digest_settings")


@require_POST
@login_required
def digest_send_now(request):
    person = request.user
    claimed = digests.digests_send_now(actor=person, person_ids=[person.pk])
    if claimed:
        count = sum(digest.note_count for digest in claimed)
        messages.success(request, f"Sending {count} note{'s' if count != 1 else ''} to {person.email} now.")
    elif not person.digest_enabled:
        messages.error(request, "Digests are off: switch them on to have your notes emailed.")
    elif not person.email.strip():
        messages.error(request, "You have no email address in Slate: ask an admin to add one.")
    else:
        messages.success(request, "Nothing to send: every note addressed to you has been in a digest already.")
    return redirect("dailies:digest_settings")


@login_required
@require_safe
def outbox(request):
    page = Paginator(digests.outbox_digests(request.user), OUTBOX_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "digests": list(page.object_list),
        "sees_all": permissions.access_for(request.user).is_admin,
    }
    return _render(request, "dailies/outbox.html", context)


@login_required
@require_safe
@csp(EMAIL_DOCUMENT_POLICY)
def outbox_html(request, digest_id: int):
    digest = get_object_or_404(
        permissions.visible(request.user, Digest).only("pk", "person_id", "html_body"), pk=digest_id
    )
    response = HttpResponse(digest.html_body, content_type="text/html; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    return response


urlpatterns = [
    path("me/digest/", digest_settings, name="digest_settings"),
    path("me/digest/send/", digest_send_now, name="digest_send_now"),
    path("outbox/", outbox, name="outbox"),
    path("outbox/<int:digest_id>/html/", outbox_html, name="outbox_html"),
]
