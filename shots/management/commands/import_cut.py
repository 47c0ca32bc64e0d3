"""`manage.py import_cut SHOW_CODE FILE [--dry-run] [--pattern REGEX] [--as USERNAME]`: the cut import page's
report and apply, from a shell."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from shots.cut_import import cut_import_apply, cut_report, cut_report_header, read_cut_for_show
from shots.editorial import DEFAULT_CODE_PATTERN, EditorialError
from studio.models import Person, Show


class Command(BaseCommand):
    help = (
        "Import a cut (CMX 3600 .edl, OpenTimelineIO .otio, or Slate's shot .csv) into a show: print the change "
        "report (new shots, shots missing from the cut to omit, cut length changes, unchanged), then apply it "
        "unless --dry-run. A malformed file stops with its line number and nothing is written."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("show_code", metavar="SHOW_CODE", help="The show's code, e.g. RBT.")
        parser.add_argument("file", metavar="FILE", help="The .edl, .otio or .csv file.")
        parser.add_argument("--dry-run", action="store_true", help="Print the report only; write nothing.")
        parser.add_argument(
            "--pattern",
            default=None,
            help=f"Regular expression finding the shot code in clip names, LOC markers, comments and reels; the "
            f"named group 'code' is the code, an optional group 'sequence' the sequence. "
            f"Default: {DEFAULT_CODE_PATTERN}",
        )
        parser.add_argument(
            "--only-its-sequences",
            action="store_true",
            help="The file is one reel or sequence: omit missing shots only in the sequences it contains.",
        )
        parser.add_argument(
            "--as",
            dest="username",
            default=None,
            help="Apply as this person (who must be allowed to change the show's shots). "
            "Default: the first active superuser.",
        )

    def handle(
        self,
        *args,
        show_code: str,
        file: str,
        dry_run: bool,
        pattern: str | None,
        username,
        only_its_sequences,
        **options,
    ):
        show = Show.objects.filter(code=show_code).first()
        if show is None:
            raise CommandError(f"No show with code '{show_code}'.")
        actor = None if dry_run else self._actor(username)
        try:
            with open(file, "rb") as handle:
                data = handle.read()
        except OSError as error:
            raise CommandError(f"{file}: cannot read the file ({error.strerror or error}).") from None
        try:
            cut = read_cut_for_show(
                show=show, data=data, filename=file, pattern=pattern, only_its_sequences=only_its_sequences
            )
        except EditorialError as error:
            raise CommandError(f"{file}: {error}") from None

        report = cut_report(show=show, cut=cut)
        for line in [*cut_report_header(show=show, filename=file, cut=cut), *report.lines()]:
            self.stdout.write(line)
        if report.errors:
            raise CommandError(f"{file}: {len(report.errors)} error(s) in the cut; nothing was written.")
        if dry_run:
            self.stdout.write("Dry run: nothing was written.")
            return
        try:
            applied = cut_import_apply(actor=actor, show=show, report_or_entries=cut)
        except PermissionDenied:
            raise CommandError(f"{actor.username} may not change the shots of {show.code}.") from None
        except ValidationError as error:
            raise CommandError(f"{file}: {' '.join(error.messages)} Nothing was written.") from None
        if applied.has_changes:
            self.stdout.write(
                f"Applied by {actor.username}: {len(applied.new)} shots created, {len(applied.changed)} updated, "
                f"{len(applied.to_omit)} omitted."
            )
        else:
            self.stdout.write(f"Applied by {actor.username}: nothing to change.")

    def _actor(self, username: str | None) -> Person:
        if username:
            actor = Person.objects.filter(username=username, is_active=True).first()
            if actor is None:
                raise CommandError(f"No active person with username '{username}'.")
            return actor
        actor = Person.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
        if actor is None:
            raise CommandError("No active superuser to apply the cut as: give --as USERNAME.")
        return actor
