"""The shot page and breakdown editing (sequences, shots, the show's task template)."""

urlpatterns: list = []
