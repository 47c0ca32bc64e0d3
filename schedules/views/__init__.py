"""Schedule pages, one module per area; schedules/urls.py joins their routes."""
