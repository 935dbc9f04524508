"""Dashboards: the project manager's, the municipal official's and the unit manager's figures.

- :mod:`.scope` — whose figures a user may see (units, municipality, drill-down rights);
- :mod:`.forms` — the GET filters (range, units, municipality), validated;
- :mod:`.data` and :mod:`.now` — the figures, counted in the database with the report
  builders' definitions (:mod:`reporting.figures`, :mod:`reporting.builders.common`);
- :mod:`.cells` and :mod:`.protect` — the municipal view's figures protected together: every
  figure of a page as a cell with the sums it is part of, and the cells to hide (complementary
  suppression, DOMAIN.md §6);
- :mod:`.present`, :mod:`.charts` and :mod:`.day_charts` — Finnish number formatting, hidden
  figures written "–", and each figure as chart data plus the same figures as a table;
- :mod:`.drilldown` — the records behind a figure, for roles that may see clients;
- :mod:`.views` — the pages.
"""
