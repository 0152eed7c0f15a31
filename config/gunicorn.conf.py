"""gunicorn's settings for production: `gunicorn -c config/gunicorn.conf.py`.

Options given on the command line win over these (e.g. `--bind`, `--workers`).

- sync workers, two per core by default (`WEB_CONCURRENCY` overrides), behind the reverse
  proxy the README prescribes, which buffers slow clients (gunicorn's own advice for sync
  workers). A sync worker takes one connection at a time, and a new connection goes to
  whichever worker is free, so the load spreads evenly. gthread workers instead keep
  every keep-alive connection they accepted, and one worker often held 8 or 9 of 10 busy
  connections while the other idled, on one core because of Python's lock (the GIL):
  the heaviest page's p95 at 10 clients was 183-210 ms with two gthread workers of two
  threads and 132-137 ms with four sync workers, at the same throughput (bench/README.md,
  1 December 2026). A second process per core uses the time the first waits on
  PostgreSQL or Redis, as a second thread did.
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
worker_class = "sync"
workers = int(os.environ.get("WEB_CONCURRENCY") or 2 * (os.cpu_count() or 1))
preload_app = True


def pre_fork(server, worker):
    gc.freeze()
