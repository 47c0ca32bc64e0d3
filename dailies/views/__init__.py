"""The dailies app's pages, one module per area; each module lists its own `urlpatterns` (see dailies/urls.py)."""
