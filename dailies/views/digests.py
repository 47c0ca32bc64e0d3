"""Note digests: my digest settings, send now, and the outbox of what was sent."""

urlpatterns: list = []
