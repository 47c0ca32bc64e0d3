"""The time-log API: list, read, log (one row per person, task and date), change and delete."""
