"""The embedded run: SQLite file, tasks in-process, debug pages on."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
