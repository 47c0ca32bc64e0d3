from rest_framework.pagination import CursorPagination


class SlateCursorPagination(CursorPagination):
    """Cursor pages: stable under inserts and as fast on page 300 as on page 1 (no OFFSET scans)."""

    ordering = "id"
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 1000
