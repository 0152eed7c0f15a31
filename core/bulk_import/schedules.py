"""Periodic work of bulk import, merged into Celery beat by config/celery.py."""

BEAT_SCHEDULE = {
    # Previews never confirmed lose their uploaded file (contacts: personal data) once expired.
    "bulk-import-purge-expired": {
        "task": "core.bulk_import.tasks.purge_expired_imports",
        "schedule": 3600.0,
    },
}
