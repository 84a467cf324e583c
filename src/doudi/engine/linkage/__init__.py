"""Identity resolution (人员比对): one person across many department feeds.

ID-first, probabilistic where IDs fail, reviewable, on DuckDB and Spark.

The steps, each a module with a small public API:

- :mod:`.schema` — the canonical record table and :func:`~.schema.prepare`, which derives the
  comparison columns (pinyin, name parts, ISO birth date, normalised ID number …) from a table
  of records, Chinese or FEBRL-shaped.
- :mod:`.deterministic` — links records sharing a valid ID number, guarded: a pair that shares
  an ID but disagrees on birth date, sex or name beyond tolerance is a *conflict* for human
  review, never a silent merge.
- :mod:`.model` — the Splink comparisons, blocking rules and training recipe.
- :mod:`.pipeline` — :func:`~.pipeline.link`: the whole run on a chosen backend (DuckDB by
  default, Spark through the same call), returning clusters, scored pairs, conflicts, a review
  queue and the fitted model as JSON.
- :mod:`.keys` — stable cluster keys across runs.
- :mod:`.evaluate` — pairwise and cluster precision / recall / F1 against known truth.

Nothing here imports Django: the operational side loads the finished tables.
"""
