"""Every text of the interface is translated into Finnish (the default) and Swedish.

The test copies the source tree, runs ``makemessages`` there against the committed catalogues
and fails on any message that is missing, untranslated or fuzzy, naming them.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import need_service

ROOT = Path(__file__).resolve().parents[2]
# Every application package of the project (a new app is covered without listing it here), the
# templates and the catalogues themselves.
APP_DIRS = sorted(
    path.name
    for path in ROOT.iterdir()
    if (path / "__init__.py").exists() and path.name not in {"tests", "scripts"}
)
SOURCE_DIRS = [*APP_DIRS, "templates", "locale"]


@pytest.fixture(scope="module")
def fresh_catalogues(tmp_path_factory):  # type: ignore[no-untyped-def]
    for tool in ("xgettext", "msgmerge", "msguniq", "msgattrib"):
        if shutil.which(tool) is None:
            need_service(f"gettext's {tool} is not installed (apt-get install gettext)")
    tree = tmp_path_factory.mktemp("tree")
    for name in SOURCE_DIRS:
        shutil.copytree(
            ROOT / name, tree / name, ignore=shutil.ignore_patterns("__pycache__", "*.mo")
        )
    shutil.copy(ROOT / "manage.py", tree / "manage.py")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "kuty.settings.test"}
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "fi", "-l", "sv", "-v", "0"],
        cwd=tree,
        env=env,
        check=True,
        timeout=300,
    )
    return tree / "locale"


def _entries(po_file: Path, flag: str) -> list[str]:
    result = subprocess.run(  # noqa: S603 - fixed gettext tool
        ["msgattrib", flag, "--no-wrap", str(po_file)],  # noqa: S607
        capture_output=True,
        text=True,
        check=True,
    )
    return [
        line.removeprefix("msgid ")
        for line in result.stdout.splitlines()
        if line.startswith("msgid ") and line != 'msgid ""'
    ]


@pytest.mark.parametrize("language", ["fi", "sv"])
def test_every_message_is_translated(fresh_catalogues, language):
    po_file = fresh_catalogues / language / "LC_MESSAGES" / "django.po"
    untranslated = _entries(po_file, "--untranslated")
    fuzzy = _entries(po_file, "--only-fuzzy")
    assert not untranslated, f"{len(untranslated)} untranslated: {untranslated[:20]}"
    assert not fuzzy, f"{len(fuzzy)} fuzzy: {fuzzy[:20]}"
