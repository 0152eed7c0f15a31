"""gunicorn's settings for production: `gunicorn -c config/gunicorn.conf.py`.

Options given on the command line win over these (e.g. `--bind`, `--workers`).

- gthread workers, one per core by default (`WEB_CONCURRENCY` overrides), each with
  `GUNICORN_THREADS` threads (default 2). A worker runs Python one thread at a time (the
  GIL); a second thread uses the time the first waits on PostgreSQL or Redis, more threads
  only contend: on two cores, two workers of four threads spent 30 ms of CPU per heavy
  page where two workers of two threads spent 21 ms, and served 5-15 % more requests at
  10 clients (bench/README.md, 1 December 2026).
- `preload_app`: the master imports the application once (config/wsgi.py loads the
  URLconf and the catalogues too) and forks the workers with it.
- `pre_fork` freezes the garbage collector's view of what the master loaded (about half a
  million objects), as Python's documentation advises before a fork: a worker's
  collections then skip them instead of scanning them, and do not write to (and so
  copy) the pages the workers share with the master.
"""

import gc
import os

wsgi_app = "config.wsgi:application"
bind = "127.0.0.1:8000"  # the README binds where only the proxy reaches
worker_class = "gthread"
workers = int(os.environ.get("WEB_CONCURRENCY") or os.cpu_count() or 2)
threads = int(os.environ.get("GUNICORN_THREADS") or 2)
preload_app = True


def pre_fork(server, worker):
    gc.freeze()
