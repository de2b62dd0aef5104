"""The reading pool: every task ends exactly once, and a dying or hanging worker blames only the
task it was running (tasks queued behind it are done by its replacement)."""

from __future__ import annotations

import os
import time
from collections import deque

import pytest

from gpscli import pool


def _square(x: int) -> int:
    if x == 13:
        os.abort()  # a native crash
    if x == 21:
        os._exit(3)
    if x == 34:
        time.sleep(60)  # a hang
    return x * x


def _quiet() -> None:
    import faulthandler

    faulthandler.disable()  # pytest's would print the aborting worker's stack


def _never_starts() -> None:
    os._exit(1)


def _run(tasks, **kw):
    results, deaths, late = {}, {}, []
    todo = deque(range(len(tasks)))
    pool.run(tasks, todo, _square, on_result=results.__setitem__, on_death=deaths.__setitem__,
             on_late=late.append, **kw)
    return results, deaths, late, todo


@pytest.mark.parametrize("workers,depth", [(1, 1), (2, 2), (3, 2)])
def test_every_task_ends_once_with_its_own_result(workers, depth):
    tasks = [n for n in range(40) if n not in (13, 21, 34)]
    results, deaths, late, todo = _run(tasks, workers=workers, depth=depth)
    assert results == {i: x * x for i, x in enumerate(tasks)}
    assert not deaths and not late and not todo


def test_a_dying_worker_blames_only_the_task_it_was_running():
    tasks = list(range(10, 30))  # 13 aborts, 21 exits with status 3
    results, deaths, late, _todo = _run(tasks, workers=2, depth=2, initializer=_quiet)
    assert set(deaths) == {tasks.index(13), tasks.index(21)}
    assert deaths[tasks.index(21)] == 3
    assert deaths[tasks.index(13)] < 0  # killed by a signal (SIGABRT)
    assert results == {i: x * x for i, x in enumerate(tasks) if x not in (13, 21)}
    assert not late


def test_a_hanging_task_is_given_up_and_the_rest_is_read():
    tasks = [30, 31, 32, 33, 34, 35, 36, 37]
    t0 = time.monotonic()
    results, deaths, late, _todo = _run(tasks, workers=2, depth=2, wall_seconds=1.0)
    assert time.monotonic() - t0 < 10
    assert late == [tasks.index(34)]
    assert results == {i: x * x for i, x in enumerate(tasks) if x != 34}
    assert not deaths


def test_workers_that_cannot_start_raise_and_leave_the_tasks():
    with pytest.raises(pool.StartFailed):
        _run([1, 2, 3], workers=2, initializer=_never_starts)


def test_spawned_workers_as_on_windows():
    """Windows and macOS start workers with spawn: nothing may rely on fork's inherited state."""
    tasks = [2, 3, 21, 5]
    results, deaths, late, _todo = _run(tasks, workers=2, start_method="spawn")
    assert results == {0: 4, 1: 9, 3: 25} and deaths == {2: 3} and not late
