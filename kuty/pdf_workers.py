"""Rendering the parts of a long PDF side by side, in processes of their own.

WeasyPrint lays a document out on one core. A long report is rendered in parts
(``reporting.renderers.pdf``); :class:`PartRenderers` hands the parts' HTML to up to N worker
processes and gives their PDFs back **in order**, so the caller joins them as before while the
next parts are being laid out.

The workers are plain child processes (``python -m kuty.pdf_workers``), not
``multiprocessing``: a Celery prefork worker's children are daemonic and may not start
``multiprocessing`` children. A worker needs no Django and no database: it reads, line by line,
the path of an HTML file and the path to write the PDF to, renders it (``kuty.pdf.html_to_pdf``,
data URLs only) and answers ``ok`` or ``error <the exception's type>``. Each worker has at most
two parts given to it (one laid out, the next waiting), so it never waits for the joiner; the
parts wait as files in a private temporary directory (mode 0700) that is removed at the end,
so memory holds about one part per process, whatever the report's size.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from collections import deque
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO

from django.conf import settings

from kuty.pdf import html_to_pdf


class PartRenderError(RuntimeError):
    """A worker could not render a part, or stopped."""


def processes() -> int:
    """``REPORT_PDF_PROCESSES``, else the cores this process may use, at most 4."""
    configured = getattr(settings, "REPORT_PDF_PROCESSES", None)
    if configured:
        return max(int(configured), 1)
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(min(cores, 4), 1)


def _python_path() -> str:
    """The project first, so that ``-m kuty.pdf_workers`` is found wherever we run from."""
    known = os.environ.get("PYTHONPATH", "")
    return os.pathsep.join(filter(None, [str(settings.BASE_DIR), known]))


class _Worker:
    def __init__(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "kuty.pdf_workers"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            bufsize=1,
            env={**os.environ, "PYTHONUNBUFFERED": "1", "PYTHONPATH": _python_path()},
            cwd=str(settings.BASE_DIR),
        )

    def send(self, html_path: Path, pdf_path: Path) -> None:
        try:
            self.process.stdin.write(f"{html_path}\t{pdf_path}\n")  # type: ignore[union-attr]
            self.process.stdin.flush()  # type: ignore[union-attr]
        except BrokenPipeError as error:
            raise PartRenderError("a PDF worker stopped") from error

    def receive(self) -> None:
        answer = self.process.stdout.readline().rstrip("\n")  # type: ignore[union-attr]
        if answer != "ok":
            raise PartRenderError(answer.removeprefix("error ") or "a PDF worker stopped")

    def close(self, *, at_once: bool = False) -> None:
        """Let the worker end; ``at_once`` (the document was given up): stop it now."""
        if at_once:
            self.process.kill()
        try:
            if self.process.stdin is not None:
                self.process.stdin.close()
            self.process.wait(timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            self.process.kill()
            self.process.wait()


class PartRenderers:
    """``with PartRenderers(n) as renderers: for pdf in renderers.render(htmls): ...``

    With ``n`` 1 there is no worker: the parts are rendered in this process."""

    def __init__(self, count: int) -> None:
        self.count = max(count, 1)
        self.workers: list[_Worker] = []
        self.directory: tempfile.TemporaryDirectory[str] | None = None

    def __enter__(self) -> PartRenderers:
        if self.count > 1:
            self.directory = tempfile.TemporaryDirectory(prefix="kuty-pdf-")
            self.workers = [_Worker() for _ in range(self.count)]
        return self

    def __exit__(self, exc_type: object, *exc_info: object) -> None:
        for worker in self.workers:
            worker.close(at_once=exc_type is not None)
        if self.directory is not None:
            self.directory.cleanup()

    def render(self, htmls: Iterable[str]) -> Iterator[bytes]:
        """The PDFs of ``htmls``, in their order; the parts are laid out side by side (with one
        process, one after the other in this one)."""
        if not self.workers:
            yield from (html_to_pdf(html) for html in htmls)
            return
        folder = Path(self.directory.name)  # type: ignore[union-attr]
        pending: deque[tuple[_Worker, Path]] = deque()
        for index, html in enumerate(htmls):
            worker = self.workers[index % self.count]
            if len(pending) >= 2 * self.count:  # two parts a worker: one laid out, one waiting
                yield self._collect(*pending.popleft())
            html_path = folder / f"{index}.html"
            html_path.write_text(html, encoding="utf-8")
            pdf_path = folder / f"{index}.pdf"
            worker.send(html_path, pdf_path)
            pending.append((worker, pdf_path))
        while pending:
            yield self._collect(*pending.popleft())

    @staticmethod
    def _collect(worker: _Worker, pdf_path: Path) -> bytes:
        worker.receive()
        data = pdf_path.read_bytes()
        pdf_path.unlink()
        pdf_path.with_suffix(".html").unlink(missing_ok=True)
        return data


def serve(lines: IO[str], answers: IO[str]) -> None:
    """The worker's loop: render each ``html path<TAB>pdf path`` line, answer per line."""
    for line in lines:
        html_path, _tab, pdf_path = line.rstrip("\n").partition("\t")
        try:
            pdf = html_to_pdf(Path(html_path).read_text(encoding="utf-8"))
            Path(pdf_path).write_bytes(pdf)
        except Exception as error:  # reported to the parent, which raises
            # The type only: a message may quote the document, which names clients, and the
            # parent's error goes to the log.
            answers.write(f"error {type(error).__name__}\n")
        else:
            answers.write("ok\n")
        answers.flush()


if __name__ == "__main__":
    serve(sys.stdin, sys.stdout)
