"""The cut import page's upload form."""

from pathlib import Path

from django import forms
from django.core.exceptions import ValidationError

from .cut_import import JOB_KINDS
from .editorial import CodeFinder, EditorialError

MAX_CUT_BYTES = 20 * 1024 * 1024  # an EDL of a 3,000-shot film is about 1 MB


class CutUploadForm(forms.Form):
    file = forms.FileField(
        label="Cut file",
        help_text="A CMX 3600 EDL (.edl), an OpenTimelineIO timeline (.otio), or Slate's shot list (.csv).",
        widget=forms.FileInput(attrs={"accept": ",".join(JOB_KINDS), "aria-describedby": "id_file_help"}),
    )
    pattern = forms.CharField(
        label="Shot code pattern",
        required=False,
        max_length=500,
        help_text="A regular expression found in clip names, LOC markers, comments and reels (EDL and .otio "
        "only); the group named 'code' is the shot code, an optional group 'sequence' its sequence. "
        "Leave it empty for the default.",
        widget=forms.TextInput(
            attrs={
                "class": "code",
                "placeholder": "Empty: the default pattern, below",
                "spellcheck": "false",
                "autocomplete": "off",
                "aria-describedby": "id_pattern_help",
            }
        ),
    )

    only_its_sequences = forms.BooleanField(
        label="This cut is one reel or sequence",
        required=False,
        help_text="Shots missing from the cut are then omitted only in the sequences it contains, not across the show.",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        suffix = Path(upload.name).suffix.lower()
        if suffix not in JOB_KINDS:
            raise ValidationError(f"'{upload.name}' is not a cut Slate reads: use .edl, .otio or .csv.")
        if upload.size > MAX_CUT_BYTES:
            raise ValidationError(
                f"'{upload.name}' is {upload.size / 1024 / 1024:.0f} MB; a cut is at most "
                f"{MAX_CUT_BYTES // 1024 // 1024} MB."
            )
        return upload

    def clean_pattern(self):
        pattern = self.cleaned_data["pattern"].strip()
        try:
            CodeFinder.compile(pattern or None)
        except EditorialError as error:
            raise ValidationError(error.message) from None
        return pattern
