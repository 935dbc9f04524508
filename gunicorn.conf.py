"""Gunicorn settings, read by `gunicorn kuty.wsgi:application` from the working directory.

Workers by cores: GUNICORN_WORKERS if set, else 2 × the cores this container may use + 1
(gunicorn's own advice for synchronous workers: one waits on the database while another
computes). Each worker is one Django process (about 100–150 MB); reports and PDFs are built by
the Celery workers, never in a web request, so the web workers stay small.
"""

from __future__ import annotations

import os


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))  # the cores this process may run on (cgroups, taskset)
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("GUNICORN_WORKERS") or 2 * _cores() + 1)
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
# A worker is replaced after this many requests (and a random part of it, so that they are not
# all replaced at once): memory a request left behind is given back.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "1000"))
max_requests_jitter = max_requests // 10
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "*")
