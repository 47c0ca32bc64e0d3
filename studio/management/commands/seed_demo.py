"""`manage.py seed_demo`: the demo shows and logins; `--scale film` adds PRODUCT.md's film scale (show FLM)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from studio import demo


class Command(BaseCommand):
    help = (
        "Load the demo data (idempotent): shows RBT and KTL, people in every role with one known password, "
        "shots, tasks, dailies, time logs and a budget. --scale film also builds the film-scale show FLM "
        "(3,000 shots, 40,000 tasks, 150,000 notes...) for benchmarks."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--scale",
            choices=["demo", "film"],
            default="demo",
            help="demo (default): the demo shows only. film: also the film-scale show FLM.",
        )
        parser.add_argument(
            "--shots",
            type=int,
            default=None,
            help=f"With --scale film: build this many shots instead of {demo.FILM_SHOTS}; every count scales with it.",
        )
        parser.add_argument("--seed", type=int, default=2026, help="Random seed for the film-scale data.")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even when DJANGO_DEBUG is off. The demo logins share a published password.",
        )

    def handle(self, *args, scale: str, shots: int | None, seed: int, force: bool, **options) -> None:
        self.verbosity = options["verbosity"]
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo creates logins (including a superuser) whose password is published: "
                f"'{demo.DEMO_PASSWORD}'. It runs only with DJANGO_DEBUG=1, or with --force on a database "
                "nobody else can reach."
            )
        if shots is not None and scale != "film":
            raise CommandError("--shots: only used with --scale film.")
        if shots is not None and shots < 1:
            raise CommandError(f"--shots: must be at least 1, not {shots}.")

        result = demo.seed_demo()
        if result.created_shows:
            self.stdout.write(self.style.SUCCESS(f"Demo data created: {', '.join(result.created_shows)}."))
        if result.present_shows:
            self.stdout.write(f"Demo data already present: {', '.join(result.present_shows)} (left as they are).")

        if scale == "film":
            film = demo.seed_film(shots=shots or demo.FILM_SHOTS, seed=seed, progress=self._progress)
            if film.created:
                self.stdout.write(
                    self.style.SUCCESS(f"Film-scale show {demo.FILM_SHOW_CODE} built in {film.seconds:.1f} s:")
                )
            else:
                self.stdout.write(
                    f"Film-scale show {demo.FILM_SHOW_CODE} already present (left as it is; delete it to rebuild):"
                )
            for name, count in film.counts.items():
                self.stdout.write(f"  {name:<16} {count:>9,}")

        self._print_logins(demo.DEMO_LOGINS + (demo.film_logins() if scale == "film" else []))

    def _progress(self, message: str) -> None:
        if self.verbosity >= 2:
            self.stdout.write(f"  … {message}")

    def _print_logins(self, logins: list[tuple[str, str]]) -> None:
        width = max(len(username) for username, _ in logins)
        self.stdout.write("")
        self.stdout.write(
            self.style.MIGRATE_HEADING(f"Demo logins — the password for every one is: {demo.DEMO_PASSWORD}")
        )
        self.stdout.write(f"  {'username':<{width}}  who")
        self.stdout.write(f"  {'-' * width}  {'-' * max(len(label) for _, label in logins)}")
        for username, label in logins:
            self.stdout.write(f"  {username:<{width}}  {label}")
