"""Dashboards: the project manager's, the municipal official's and the unit manager's figures.

- :mod:`.scope` — whose figures a user may see (units, municipality, drill-down rights);
- :mod:`.forms` — the GET filters (range, units, municipality), validated;
- :mod:`.data` and :mod:`.now` — the figures, counted in the database with the report
  builders' definitions (:mod:`reporting.figures`, :mod:`reporting.builders.common`);
- :mod:`.present` and :mod:`.charts` — Finnish number formatting, small-count suppression,
  and each figure as chart data plus the same figures as an accessible table;
- :mod:`.drilldown` — the records behind a figure, for roles that may see clients;
- :mod:`.views` — the pages.
"""
