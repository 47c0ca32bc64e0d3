"""Budget pages, one module per area; budgets/urls.py joins their routes."""
