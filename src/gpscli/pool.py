"""A small process pool for reading files: one pipe per worker, and the parent always knows which
task each worker is running.

Why not ``concurrent.futures.ProcessPoolExecutor``: when one of its workers dies it only says that
the pool is broken, not which task killed it, and its bookkeeping (a management thread, a call
queue, a result queue with a feeder thread, a future per task) cost about 0.45 ms of the parent's
CPU per task: on two cores, reading 500 small workbooks, that CPU is taken from the workers.

Here each worker has its own duplex pipe. The parent sends it up to ``depth`` task numbers; the
worker answers each with its pickled result, in order. So, when a worker dies, the results it sent
before dying are read first and the task it was running is the oldest one it has not answered:
that task alone is reported as the cause (``on_death``); the tasks queued behind it go back to
the front of ``todo``, and a new worker takes the dead one's place. A task that runs past the
wall-clock limit gets its worker killed (``on_late``), the same way. A worker says it is ready
once its initializer has run: a worker that dies before that never blames a task, and when
several in a row do, :class:`StartFailed` is raised.

Works with any start method (fork on Linux, spawn on Windows and macOS): the task function and
initializer must be importable module-level functions, the tasks and results picklable.
"""

from __future__ import annotations

import multiprocessing
import pickle
import sys
import time
from collections import deque
from collections.abc import Callable, Sequence
from multiprocessing.connection import Connection, wait
from typing import Any

_READY = b"R"
_PROTOCOL = pickle.HIGHEST_PROTOCOL


class StartFailed(Exception):
    """Worker processes die before they can take any task (the memory limit too low?)."""


# The parent's ends of the workers' pipes. A worker made by fork inherits all of them: it closes
# them first, else its own pipe would never report the parent's death (it would hold the parent's
# end open itself) and it would wait for a task forever after the parent is killed.
_PARENT_ENDS: set[int] = set()


def _die_with_parent() -> None:
    """Workers never outlive the parent: inherited parent ends closed; on Linux, the kernel kills
    the worker when the parent dies (even by SIGKILL or the OOM killer), wherever it is."""
    import os
    import signal

    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # the parent's handler (a clean stop) is not the worker's
    for fd in list(_PARENT_ENDS):
        try:
            os.close(fd)
        except OSError:
            pass
    _PARENT_ENDS.clear()
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            parent = os.getppid()
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, int(signal.SIGKILL), 0, 0, 0)  # PR_SET_PDEATHSIG
            if os.getppid() != parent:  # the parent died before the line above
                os._exit(1)
        except (OSError, AttributeError):
            pass


def _serve(conn: Connection, fn: Callable[[Any], Any], initializer: Callable | None, initargs: tuple) -> None:
    """A worker's life: initialise, say ready, then answer each task with its result, in order."""
    _die_with_parent()
    if initializer is not None:
        initializer(*initargs)
    conn.send_bytes(_READY)
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return  # the parent is gone
        if task is None:
            return
        conn.send_bytes(pickle.dumps(fn(task), _PROTOCOL))


class _Worker:
    __slots__ = ("conn", "proc", "queue", "ready", "started")

    def __init__(self, mp, fn, initializer, initargs) -> None:
        self.conn, theirs = mp.Pipe(duplex=True)
        _PARENT_ENDS.add(self.conn.fileno())
        self.proc = mp.Process(target=_serve, args=(theirs, fn, initializer, initargs), daemon=True)
        self.proc.start()
        theirs.close()
        self.ready = False
        self.queue: deque[int] = deque()  # task numbers sent, oldest (the running one) first
        self.started = 0.0  # when the oldest task in the queue started

    def exitcode(self) -> int | None:
        self.proc.join(5)
        return self.proc.exitcode

    def kill(self) -> None:
        try:
            self.proc.kill()
        except (OSError, AttributeError, ValueError):
            pass
        self.proc.join(5)
        self.close()

    def close(self) -> None:
        if not self.conn.closed:
            _PARENT_ENDS.discard(self.conn.fileno())
            self.conn.close()


def run(tasks: Sequence, todo: deque[int], fn: Callable[[Any], Any], *, workers: int, depth: int = 2,
        initializer: Callable | None = None, initargs: tuple = (), wall_seconds: float | None = None,
        on_result: Callable[[int, Any], None], on_death: Callable[[int, int | None], None],
        on_late: Callable[[int], None], max_start_failures: int = 3, start_method: str | None = None) -> None:
    """Run ``fn(tasks[n])`` for every ``n`` taken from the left of ``todo`` in ``workers`` processes.

    ``on_result(n, result)`` in the order results arrive; ``on_death(n, exitcode)`` when the worker
    running task ``n`` died (a negative exit code is the signal); ``on_late(n)`` when task ``n`` ran
    past ``wall_seconds`` and its worker was killed. ``depth``: tasks sent ahead to a worker (1: a
    worker never holds a task it has not started). Returns when ``todo`` is empty and every task
    has ended one of those three ways. Raises :class:`StartFailed` (``todo`` keeps what was not done).
    ``start_method``: the platform's default if None (fork on Linux, spawn on Windows and macOS).
    """
    # long: one event loop; every branch reads and changes the same pool, queues and counters, and
    # splitting it would hand them all around
    mp = multiprocessing.get_context(start_method)
    pool: list[_Worker] = []
    failed_starts = 0

    def feed(w: _Worker) -> None:
        while todo and len(w.queue) < depth:
            n = todo[0]
            try:
                w.conn.send(tasks[n])
            except OSError:  # it died just now: the next wait() sees it
                return
            todo.popleft()
            if not w.queue:
                w.started = time.monotonic()
            w.queue.append(n)

    def retire(w: _Worker) -> None:
        """Take a dead or killed worker out; the tasks it never started go first to the next one."""
        w.kill()
        pool.remove(w)
        todo.extendleft(reversed(w.queue))
        w.queue.clear()
        if todo and len(pool) < workers:
            pool.append(_Worker(mp, fn, initializer, initargs))

    try:
        for _ in range(min(workers, len(todo))):
            pool.append(_Worker(mp, fn, initializer, initargs))
        while pool:
            for w in pool:
                if w.ready:
                    feed(w)
            busy = {w.conn: w for w in pool if w.queue or not w.ready}
            if not busy:
                break  # todo is empty and every task has ended
            timeout = None
            if wall_seconds is not None:
                oldest = min((w.started for w in busy.values() if w.queue), default=None)
                if oldest is not None:
                    timeout = max(0.0, oldest + wall_seconds - time.monotonic())
            for conn in wait(list(busy), timeout):
                w = busy[conn]
                try:
                    data = w.conn.recv_bytes()  # conn itself: wait() returns the keys of busy
                except (EOFError, OSError):  # the worker died
                    if not w.ready:
                        retire(w)
                        failed_starts += 1
                        if failed_starts >= max_start_failures:
                            for other in pool:
                                todo.extendleft(reversed(other.queue))
                                other.queue.clear()
                            raise StartFailed() from None
                        continue
                    code = w.exitcode()
                    n = w.queue.popleft()
                    retire(w)
                    on_death(n, code)
                    continue
                if not w.ready:
                    w.ready, failed_starts = True, 0
                    continue
                n = w.queue.popleft()
                w.started = time.monotonic()
                feed(w)  # before taking the result in: the worker does not wait for the parent
                on_result(n, pickle.loads(data))
            if wall_seconds is not None:
                now = time.monotonic()
                for w in [w for w in pool if w.queue and now - w.started > wall_seconds]:
                    n = w.queue.popleft()
                    retire(w)
                    on_late(n)
    finally:
        for w in pool:
            try:
                w.conn.send(None)
            except OSError:
                pass
        deadline = time.monotonic() + 5
        for w in pool:
            if w.queue:  # interrupted (Ctrl-C, a bug in a callback): do not wait for it
                w.kill()
                continue
            w.proc.join(max(0.0, deadline - time.monotonic()))
            if w.proc.exitcode is None:
                w.kill()
            w.close()
