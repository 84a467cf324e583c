"""Steps run once the steps they read have finished: in order on one backend, on two
cursors side by side on DuckDB with shared tables."""

import threading
import time

import pytest

from doudi.engine.backends import DuckDBBackend, SqlBackend
from doudi.engine.monitoring.indicators import step_reads


def _backend(shared: bool) -> DuckDBBackend:
    backend = DuckDBBackend()
    backend.shared = shared
    return backend


def _steps(log: list[tuple[str, str]], slow: set[str] = frozenset()):
    def make(name: str, sql: str):
        def work(on: SqlBackend) -> None:
            log.append(("start", name))
            if name in slow:
                time.sleep(0.3)  # the other lane goes on meanwhile
            on.create(name, sql)
            log.append(("end", name))

        return work

    plan = [
        ("s_a", [], "SELECT range AS x FROM range(5)"),
        ("s_b", [], "SELECT range AS y FROM range(3)"),
        ("s_c", ["s_a"], "SELECT sum(x) AS t FROM s_a"),
        ("s_d", ["s_b", "s_c"], "SELECT t * (SELECT count(*) FROM s_b) AS u FROM s_c"),
    ]
    return [(name, reads, make(name, sql)) for name, reads, sql in plan]


@pytest.mark.parametrize("shared", [False, True])
def test_steps_run_after_what_they_read_with_the_same_result(shared):
    backend = _backend(shared)
    log: list[tuple[str, str]] = []
    finished: list[str] = []
    lock = threading.Lock()

    def on_done(name: str) -> None:
        with lock:
            finished.append(name)

    backend.run_steps(_steps(log, slow={"s_a"} if shared else set()), on_done)
    assert backend.con.execute("SELECT u FROM s_d").fetchall() == [(30,)]
    order = [f"{what} {name}" for what, name in log]
    for step, reads in (("s_c", ["s_a"]), ("s_d", ["s_b", "s_c"])):
        for read in reads:
            assert order.index(f"end {read}") < order.index(f"start {step}")
    assert sorted(finished) == ["s_a", "s_b", "s_c", "s_d"]
    if shared:
        # s_b started and finished on the second lane while s_a slept on the first
        assert order.index("end s_b") < order.index("end s_a")
    else:
        assert finished == ["s_a", "s_b", "s_c", "s_d"]
    backend.close()


@pytest.mark.parametrize("shared", [False, True])
def test_a_failed_step_is_raised_and_what_reads_it_does_not_run(shared):
    backend = _backend(shared)
    ran: list[str] = []

    def fails(on: SqlBackend) -> None:
        on.create("s_bad", "SELECT * FROM no_such_table")

    def reads_it(on: SqlBackend) -> None:
        ran.append("s_next")

    with pytest.raises(Exception, match="no_such_table"):
        backend.run_steps([("s_bad", [], fails), ("s_next", ["s_bad"], reads_it)])
    assert ran == []
    backend.close()


def test_a_step_reading_a_later_step_is_refused_before_anything_runs():
    backend = _backend(True)
    ran: list[str] = []
    with pytest.raises(ValueError, match=r"step s_a reads \['s_b'\]: not an earlier step"):
        backend.run_steps(
            [("s_a", ["s_b"], lambda on: ran.append("s_a")), ("s_b", [], lambda on: None)]
        )
    assert ran == []
    backend.close()


def test_step_reads_names_the_earlier_steps_in_the_sql():
    earlier = ["m_hh", "m_household", "m_members", "m_members_raw"]
    sql = "SELECT * FROM m_members AS m JOIN m_household AS h ON h.x = m.x JOIN k_feed AS f"
    assert step_reads(sql, earlier) == ["m_household", "m_members"]
    assert step_reads("SELECT * FROM m_members_raw", earlier) == ["m_members_raw"]
