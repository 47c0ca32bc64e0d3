"""The shot grid of a show: filters, paging, inline and bulk edits, CSV export."""

urlpatterns: list = []
