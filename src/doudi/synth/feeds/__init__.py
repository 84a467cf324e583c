"""Every department feed of the catalogue, derived from the same people (see ``world.py``).

Each builder yields ``(person_id, values, sheet)``: the canonical values of one record in the
catalogue's field order (``datetime.date`` for dates, the first day of the month for months,
integer fen for money, ``bool`` for booleans, ``None`` for an empty cell) and, for an XLSX
feed split over sheets, the sheet's name. Each feed draws from its own
``random.Random(f"{seed}:{feed_id}")``, so feeds do not disturb one another. ``layouts.FEEDS`` pairs
each builder with its department's native :class:`~doudi.synth.formats.Layout`.

One module per department (``gongan``, ``minzheng``, …); ``common`` holds the helpers they
share and ``layouts`` the table of feeds.
"""
