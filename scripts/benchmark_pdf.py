"""A long report PDF side by side with a plain WeasyPrint table of the same rows.

    DJANGO_SETTINGS_MODULE=kuty.settings.test .venv/bin/python scripts/benchmark_pdf.py \
        --clients 3000 --units 40

The allowance report of ``--clients`` made-up clients (no database needed: the report's JSON
is made here) is rendered as the report runs render it (reporting.renderers.pdf.write: in
parts of REPORT_PDF_PART_ROWS rows, joined, page numbers over the whole) and, in a process of
its own, as one plain WeasyPrint document: a table with the same cells and a repeated header
row, tagged PDF/UA as well. Each in a fresh process, so that the peak memory (ru_maxrss) is
its own. Prints seconds, pages and peak MB of both (and of the largest part worker,
``REPORT_PDF_PROCESSES``, kuty/pdf_workers.py) and the ratio.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
ABSENCES = (
    "sick",
    "sick_certified",
    "child_sick",
    "job_interview",
    "office_of_trust",
    "unjustified",
)
FIRST = ("Anna", "Bertta", "Cecilia", "Daniel", "Eero", "Fanni", "Gustav", "Helmi", "Iivari")
LAST = ("Aalto", "Berg", "Korhonen", "Virtanen", "Mäkinen", "Nieminen", "Koskinen-Lindström")


def allowance_report(clients: int, units: int, seed: int = 1) -> dict:
    """The JSON of an allowance report with personal rows, made up (a fixed seed)."""
    rnd = random.Random(seed)  # noqa: S311 (made-up data)
    rows, by_unit = [], {}
    for index in range(clients):
        unit = index * units // clients
        present = rnd.randint(0, 22)
        absences = {code: rnd.randint(0, 2) for code in ABSENCES}
        amount = Decimal(present * 900) / 100
        rows.append(
            {
                "hetu": f"0101{80 + index % 20:02d}-{100 + index % 800:03d}X",
                "name": f"{rnd.choice(LAST)} {rnd.choice(FIRST)}",
                "unit": f"Työpaja {unit:02d}",
                "unit_code": f"u{unit:02d}",
                "benefit": "labour_market_subsidy",
                "payer": "kela",
                "present_days": present,
                "absence_days": absences,
                "not_organised_days": rnd.randint(0, 2),
                "unpriced_days": 0,
                "amount": str(amount),
            }
        )
        entry = by_unit.setdefault(
            unit,
            {"unit": f"Työpaja {unit:02d}", "unit_code": f"u{unit:02d}", "clients": 0,
             "present_days": 0, "unpriced_days": 0, "absence_days": dict.fromkeys(ABSENCES, 0),
             "not_organised_days": 0, "amount": "0.00"},
        )  # fmt: skip
        entry["clients"] += 1
        entry["present_days"] += present
        entry["amount"] = str(Decimal(entry["amount"]) + amount)
    total = str(sum((Decimal(row["amount"]) for row in rows), Decimal("0.00")))
    present = sum(row["present_days"] for row in rows)
    return {
        "kind": "allowance", "from": "2025-01-01", "to": "2025-12-31", "filters": {},
        "generated_at": "2025-12-31T12:00:00+02:00", "rows": rows, "units": list(by_unit.values()),
        "totals": {"clients": clients, "present_days": present, "unpriced_days": 0,
                   "amount": total},
        "totals_by_payer": {"kela": {"clients": clients, "present_days": present, "amount": total}},
        "data_quality": {},
    }  # fmt: skip


def _setup() -> None:
    import logging

    sys.path.insert(0, str(REPO))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kuty.settings.test")
    import django

    django.setup()
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)


def run_kuty(report: dict, target: str) -> dict:
    from reporting.renderers.pdf import write

    with open(target, "wb") as out:
        written = write(report, out, meta={"generated_by": "Benchmark"})
    return {"format": written.extension}


def run_plain(report: dict, target: str) -> dict:
    from django.utils.html import escape
    from weasyprint import HTML

    def cells(row: dict) -> str:
        values = [row["hetu"], row["name"], row["unit"], row["benefit"], row["payer"],
                  row["present_days"], *row["absence_days"].values(), row["not_organised_days"],
                  row["amount"]]  # fmt: skip
        return "".join(f"<td>{escape(value)}</td>" for value in values)

    head = "".join(f"<th scope='col'>c{i}</th>" for i in range(14))
    body = "".join(f"<tr>{cells(row)}</tr>" for row in report["rows"])
    html = (
        "<html lang='fi'><head><title>plain</title><style>@page { size: A4 landscape; "
        "margin: 22mm 14mm 20mm 14mm } html { font-family: 'DejaVu Sans'; font-size: 7.5pt }"
        "</style></head><body><table><thead><tr>" + head + "</tr></thead><tbody>" + body +
        "</tbody></table></body></html>"
    )  # fmt: skip
    HTML(string=html).write_pdf(target=target, pdf_variant="pdf/ua-1")
    return {"format": "pdf"}


def child(which: str, clients: int, units: int) -> None:
    _setup()
    report = allowance_report(clients, units)
    with tempfile.NamedTemporaryFile(suffix=".out") as target:
        started = time.perf_counter()
        info = (run_kuty if which == "kuty" else run_plain)(report, target.name)
        seconds = time.perf_counter() - started
        pages = None
        if info["format"] == "pdf":
            from pypdf import PdfReader

            pages = len(PdfReader(target.name).pages)
        size = os.path.getsize(target.name)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    # The part workers (kuty/pdf_workers.py) are this process's children: the largest of them.
    workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(json.dumps({
        "seconds": seconds, "pages": pages, "peak_mb": peak, "worker_mb": workers, "bytes": size,
        **info,
    }))  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=3000)
    parser.add_argument("--units", type=int, default=40)
    parser.add_argument("--child", choices=("kuty", "plain"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.clients, args.units)
        return
    results = {}
    for which in ("kuty", "plain"):
        output = subprocess.run(  # noqa: S603 (this script, fixed arguments)
            [sys.executable, __file__, "--child", which, "--clients", str(args.clients),
             "--units", str(args.units)],
            check=True, capture_output=True, text=True, cwd=REPO,
        ).stdout  # fmt: skip
        results[which] = json.loads(output.strip().splitlines()[-1])
    kuty, plain = results["kuty"], results["plain"]
    print(f"allowance PDF, {args.clients} clients in {args.units} units")
    print(f"{'':<28}{'seconds':>9}{'pages':>7}{'peak MB':>9}{'worker MB':>11}{'MB':>7}")
    for label, row in (("KUTY (parts, joined)", kuty), ("plain WeasyPrint table", plain)):
        workers = f"{row['worker_mb']:.0f}" if row is kuty else "-"
        print(
            f"{label:<28}{row['seconds']:>9.1f}{row['pages'] or '-':>7}{row['peak_mb']:>9.0f}"
            f"{workers:>11}{row['bytes'] / 1e6:>7.1f}"
        )
    print(f"ratio KUTY / plain: {kuty['seconds'] / plain['seconds']:.2f}")


if __name__ == "__main__":
    main()
