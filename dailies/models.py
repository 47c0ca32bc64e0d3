"""Versions of work, review sessions (dailies) and the notes written against versions."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q

from shots.models import Task
from studio.models import Show


class VersionStatus(models.TextChoices):
    PENDING_REVIEW = "pending_review", "Pending review"
    APPROVED = "approved", "Approved"
    RETAKE = "retake", "Retake"
    SUPERSEDED = "superseded", "Superseded"


def version_media_path(version: "Version", filename: str) -> str:
    task = version.task
    return f"versions/{task.shot.show.code}/{task.shot.code}/{task.task_type_id}/v{version.number:03d}/{filename}"


class Version(models.Model):
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="versions")
    media = models.FileField(upload_to=version_media_path, blank=True)
    studio_path = models.CharField(max_length=500, blank=True, help_text="Path on the studio file server.")
    frame_in = models.IntegerField(null=True, blank=True)
    frame_out = models.IntegerField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=VersionStatus.choices, default=VersionStatus.PENDING_REVIEW)
    comment = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["task", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["task", "number"], name="version_unique_number_per_task"),
            models.CheckConstraint(condition=Q(number__gte=1), name="version_number_positive"),
            models.CheckConstraint(
                condition=Q(frame_in__isnull=True) | Q(frame_out__isnull=True) | Q(frame_out__gte=F("frame_in")),
                name="version_frame_out_not_before_in",
                violation_error_message="Frame out must not be before frame in.",
            ),
        ]
        indexes = [models.Index(fields=["status", "created_at"], name="version_status_created")]

    def __str__(self) -> str:
        return f"{self.task} {self.code}"

    @property
    def code(self) -> str:
        return f"v{self.number:03d}"


class SessionKind(models.TextChoices):
    INTERNAL = "internal", "Internal"
    CLIENT = "client", "Client"


class ReviewSession(models.Model):
    show = models.ForeignKey(Show, on_delete=models.CASCADE, related_name="review_sessions")
    name = models.CharField(max_length=120)
    date = models.DateField()
    kind = models.CharField(max_length=10, choices=SessionKind.choices, default=SessionKind.INTERNAL)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="created_sessions"
    )
    # Client sessions stay invisible to the show's clients until production releases them.
    released_at = models.DateTimeField(null=True, blank=True)
    is_closed = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    versions = models.ManyToManyField(Version, through="ReviewItem", related_name="review_sessions")

    class Meta:
        ordering = ["-date", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(released_at__isnull=True) | Q(kind="client"),
                name="session_only_client_sessions_released",
                violation_error_message="Only client sessions are released to clients.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.date:%Y-%m-%d})"


class ReviewItem(models.Model):
    session = models.ForeignKey(ReviewSession, on_delete=models.CASCADE, related_name="items")
    version = models.ForeignKey(Version, on_delete=models.CASCADE, related_name="review_items")
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["session", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["session", "version"], name="review_item_unique_version"),
        ]

    def __str__(self) -> str:
        return f"{self.session} #{self.order}: {self.version}"

    def clean(self) -> None:
        if self.session_id and self.version_id and self.version.task.shot.show_id != self.session.show_id:
            raise ValidationError({"version": "The version belongs to another show."})


class NoteCategory(models.TextChoices):
    INTERNAL = "internal", "Internal"
    SUPERVISOR = "supervisor", "Supervisor"
    DIRECTOR = "director", "Director"
    CLIENT = "client", "Client"


class StatusChange(models.TextChoices):
    NONE = "", "No change"
    APPROVE = "approve", "Approve"
    RETAKE = "retake", "Retake"


class Note(models.Model):
    version = models.ForeignKey(Version, on_delete=models.CASCADE, related_name="notes")
    session = models.ForeignKey(ReviewSession, null=True, blank=True, on_delete=models.SET_NULL, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="authored_notes")
    body = models.TextField()
    category = models.CharField(max_length=12, choices=NoteCategory.choices, default=NoteCategory.INTERNAL)
    status_change = models.CharField(max_length=8, choices=StatusChange.choices, blank=True, default="")
    # Client notes are held (False) until a coordinator publishes them to artists.
    is_published = models.BooleanField(default=True)
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    recipients = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="NoteRecipient", related_name="received_notes"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(is_published=True) | Q(category="client"),
                name="note_only_client_notes_held",
                violation_error_message="Only client notes can be held back from artists.",
            )
        ]

    def __str__(self) -> str:
        return f"Note by {self.author} on {self.version}"


class RecipientKind(models.TextChoices):
    TO = "to", "To"
    CC = "cc", "CC"


class DigestState(models.TextChoices):
    CLAIMED = "claimed", "Claimed"  # its notes are chosen; the message is not sent yet
    SENT = "sent", "Sent"


class Digest(models.Model):
    """One message to one person carrying the notes addressed to them since their last digest.

    Exactly once: a note recipient row joins exactly one digest (NoteRecipient.digest, set once, in the same
    transaction that creates the digest), and a digest is sent until it is marked sent. A worker that dies
    between the two leaves a claimed digest that the next run sends with the same Message-ID.
    """

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digests")
    state = models.CharField(max_length=8, choices=DigestState.choices, default=DigestState.CLAIMED)
    subject = models.CharField(max_length=200, blank=True)
    text_body = models.TextField(blank=True)
    html_body = models.TextField(blank=True)
    note_count = models.PositiveIntegerField(default=0)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["state", "created_at"], name="digest_state_created")]

    def __str__(self) -> str:
        return f"Digest #{self.pk} to {self.person} ({self.note_count} notes)"

    @property
    def message_id(self) -> str:
        """The same for every attempt, so a re-send after a crash is recognisably the same message."""
        return f"<slate-digest-{self.pk}@slate>"


class NoteRecipient(models.Model):
    """One row per note and person: read state for the inbox, and the digest that carried it (exactly once)."""

    note = models.ForeignKey(Note, on_delete=models.CASCADE, related_name="recipient_rows")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="note_rows")
    kind = models.CharField(max_length=2, choices=RecipientKind.choices, default=RecipientKind.TO)
    read_at = models.DateTimeField(null=True, blank=True)
    digested_at = models.DateTimeField(null=True, blank=True)
    # PROTECT: deleting a digest must never make its notes look unsent (they would be mailed again).
    digest = models.ForeignKey(Digest, null=True, blank=True, on_delete=models.PROTECT, related_name="rows")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["note", "person"], name="note_recipient_unique")]
        indexes = [
            models.Index(fields=["person", "read_at"], name="note_recipient_unread"),
            models.Index(fields=["person", "digested_at"], name="note_recipient_digest"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.person}"


class NoteAttachment(models.Model):
    note = models.ForeignKey(Note, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to="notes/%Y/%m/")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.file.name
