"""The parts of a long PDF laid out side by side in worker processes (kuty/pdf_workers.py):
real WeasyPrint in real child processes, the PDFs read back."""

from __future__ import annotations

import io
import stat
from pathlib import Path

import pytest
from pypdf import PdfReader

from kuty.pdf_workers import PartRenderError, PartRenderers, processes, serve


def page(text: str) -> str:
    return f"<html lang='fi'><head><title>{text}</title></head><body><p>{text}</p></body></html>"


def text_of(pdf: bytes) -> str:
    return " ".join(PdfReader(io.BytesIO(pdf)).pages[0].extract_text().split())


def test_parts_come_back_in_their_order_from_two_workers():
    htmls = [page(f"Osa {n}") for n in range(1, 6)]
    with PartRenderers(2) as renderers:
        assert len(renderers.workers) == 2
        folder = Path(renderers.directory.name)
        # The parts hold personal data: only this user may read the folder they pass through.
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
        texts = [text_of(pdf) for pdf in renderers.render(htmls)]
        assert list(folder.iterdir()) == []  # each part removed once joined
    assert texts == [f"Osa {n}" for n in range(1, 6)]
    assert all(worker.process.poll() is not None for worker in renderers.workers)
    assert not folder.exists()


def test_one_process_renders_here_without_workers():
    with PartRenderers(1) as renderers:
        (pdf,) = renderers.render([page("Yksin")])
        assert renderers.workers == []
    assert text_of(pdf) == "Yksin"


def test_a_worker_that_stopped_is_an_error_not_a_missing_part():
    with PartRenderers(2) as renderers:
        renderers.workers[1].process.kill()
        renderers.workers[1].process.wait()
        pdfs = renderers.render([page("Yksi"), page("Kaksi")])
        with pytest.raises(PartRenderError, match="stopped"):
            list(pdfs)


def test_the_worker_answers_an_error_for_a_part_it_cannot_read(tmp_path):
    answers = io.StringIO()
    serve(io.StringIO(f"{tmp_path / 'missing.html'}\t{tmp_path / 'out.pdf'}\n"), answers)
    assert answers.getvalue().startswith("error FileNotFoundError")
    # The type only: what the error says may quote the part, and the parent logs it.
    assert answers.getvalue() == "error FileNotFoundError\n"
    assert not (tmp_path / "out.pdf").exists()


def test_processes_come_from_the_setting_or_the_cores(settings):
    settings.REPORT_PDF_PROCESSES = 3
    assert processes() == 3
    settings.REPORT_PDF_PROCESSES = 0
    assert 1 <= processes() <= 4
