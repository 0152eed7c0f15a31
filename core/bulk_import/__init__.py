"""Bulk import: a spreadsheet a bureau keeps today becomes rows of the platform, after a preview.

parse → validate → preview → confirm → report, for any kind of record an app registers
an importer for (``registry.register_importer`` in its ``AppConfig.ready()``: the
incubator's organisations, service purchasing's buyers):

- ``parsing``: an .xlsx or .csv file (UTF-8 with or without BOM, GB18030, UTF-16) read into
  rows; the header row found among the first rows by the importer's Chinese or English
  headers; cells normalised (stray and full-width spaces, invisible characters, Excel dates).
- ``services.batch_create``: the file checked (core.uploads) and kept in private storage
  (core.private_files) under an unguessable name, tied to the officer, expiring after
  ``BATCH_HOURS``; every row validated by the importer in bulk (a constant number of
  queries) and stored with its errors and warnings. Nothing of the importer's is saved.
- ``services.batch_confirm``: only the officer who uploaded it, before it expires; a second
  submit finds the batch running or done and changes nothing. The rows are then created by
  the Celery task ``tasks.bulk_import_run`` in chunks (progress on the batch's page).
- The rule for writes is per row: each row is created by the importer's service in its own
  transaction together with its outcome, so a row that became invalid since the preview (its
  code registered meanwhile) is skipped with the reason, the others are kept, and a retried
  or repeated task never creates a row twice (it skips rows that have an outcome).
- The report (created, skipped with reasons) is the batch's page, downloadable as CSV
  (core.spreadsheet.SafeCsvWriter) or .xlsx.
"""
