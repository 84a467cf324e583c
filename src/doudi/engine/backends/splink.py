"""Linkage on a backend: Splink's database API over a :class:`~.base.SqlBackend`, plus the
few hooks the linkage pipeline's own SQL steps need.

Those steps are written once, in DuckDB's dialect, with ``{jaro_winkler}`` (and
``{damerau_levenshtein}``) standing for the backend's function (the names the two dialects do
not share); the backend turns them into its dialect."""

from __future__ import annotations

from typing import Any

import pandas as pd
from splink.internals.splink_dataframe import SplinkDataFrame

from .base import BackendName, SqlBackend


class LinkageBackend:
    """A backend as the linkage pipeline uses it: templates in, Splink tables or frames out."""

    def __init__(self, sql: SqlBackend) -> None:
        self.sql = sql
        self.name: BackendName = sql.name
        self.db_api: Any = sql.splink_api()

    def render(self, template: str, **tables: str) -> str:
        """Fill table names and dialect function names into a DuckDB-dialect template."""
        dialect = self.db_api.sql_dialect
        sql = template.format(
            jaro_winkler=dialect.jaro_winkler_function_name,
            damerau_levenshtein=dialect.damerau_levenshtein_function_name,
            **tables,
        )
        return self.sql.dialect_sql(sql)

    def table(self, template: str, **tables: str) -> SplinkDataFrame:
        """Run a SQL step and keep its result as a backend table (a SplinkDataFrame)."""
        result: SplinkDataFrame = self.db_api.query_sql(
            self.render(template, **tables), output_type="splink_df"
        )
        return result

    def frame(self, template: str, **tables: str) -> pd.DataFrame:
        """Run a SQL step and fetch its (small) result to pandas."""
        result: pd.DataFrame = self.db_api.query_sql(
            self.render(template, **tables), output_type="pandas"
        )
        return result

    def register(self, df: pd.DataFrame, name: str) -> SplinkDataFrame:
        registered: SplinkDataFrame = self.db_api.register(
            self.sql.splink_input(df, name), table_name=name
        )
        return registered

    def close(self) -> None:
        self.sql.close()
