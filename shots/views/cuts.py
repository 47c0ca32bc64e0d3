"""Editorial cut import: upload, dry-run report, apply with progress."""

urlpatterns: list = []
