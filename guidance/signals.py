"""Signals other apps listen to, so that ``guidance`` never imports upwards."""

from django.dispatch import Signal

# Sent by ``attendance_services.attendance_records_write`` inside its transaction, after the
# records are written: ``client_ids`` (a set of client ids) and ``first`` / ``last`` (the
# earliest and latest day written). ``reporting`` counts its attendance totals again.
attendance_changed = Signal()
