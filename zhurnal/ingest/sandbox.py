"""Calls on untrusted bytes in forked worker processes that the run can lose, one at a time.

A native reader (python-calamine's Rust, say) may panic, abort, segfault, be killed by the
kernel for memory, or loop. In a ``multiprocessing.Pool`` that takes the pool down (it then
waits for the dead worker's answer for ever), and ``concurrent.futures`` fails every call in
flight with ``BrokenProcessPool`` without saying whose fault it was. Here each worker runs one
call at a time and the run knows which: a worker that dies, or is still busy at the call's
time limit (then killed), costs that call only — its answer is :class:`Lost`, saying why — and
a fresh worker takes its place. A call that raises (a Rust panic is a ``BaseException``, not
an ``Exception``) is answered as lost too, and its worker ends: the native state behind it
is not trusted with another item. Answers come back in the order the items were
given.

Each worker answers through its own pipe; the run waits on the pipes and on the processes'
ends together, so an answer larger than a pipe's buffer is read while it is written, and a
worker that dies leaves an end of file instead of an answer.
"""

from __future__ import annotations

import faulthandler
import multiprocessing
import os
import signal
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any

_END = object()
_STOP = None         # what a worker is sent to end
PARENT_CHECK_SECONDS = 1.0   # how often an idle worker looks whether its run is still there


@dataclass(frozen=True)
class Lost:
    """No answer from a call. ``cause``: ``crash`` (the process died, or the call raised a
    ``BaseException`` that is not an ``Exception`` — a Rust panic is one), ``time-limit`` (still
    running after the limit; killed), ``unsendable`` (an answer that cannot be pickled).
    ``detail``: what happened, for the sysadmin's log (signal, exit code or exception)."""

    cause: str
    detail: str


def _describe_exit(code: int | None) -> str:
    if code is not None and code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        return f"killed by {name}" + (" (out of memory?)" if -code == signal.SIGKILL else "")
    return f"exited with code {code} without an answer"


def _serve(call: Callable[[Any], Any], pipe: Connection) -> None:
    """A worker: answer each item sent until told to stop, or until a call raised what is not
    an ``Exception`` (then answer it as lost and end), or until the run that forked it is gone.

    A run killed outright (SIGKILL, the kernel's OOM killer) never says stop, and its end of the
    pipe may live on in a sibling worker forked after this one, so no end of file comes either:
    the worker looks for its parent between items and ends when it is gone."""
    parent = os.getppid()
    # a reader that aborts (SIGABRT from native code) is reported by the run as a lost file; a
    # fault handler inherited from the parent (pytest, PYTHONFAULTHANDLER) would add a stack dump
    faulthandler.disable()
    while True:
        while not pipe.poll(PARENT_CHECK_SECONDS):
            if os.getppid() != parent:
                return
        item = pipe.recv()
        if item is _STOP:
            return
        try:
            value = call(item)
        except BaseException as exc:  # noqa: B036 — a Rust panic (pyo3 PanicException) lands here
            pipe.send(Lost("crash", f"{type(exc).__name__}: {exc}"[:300]))
            return                    # what the call left behind is not trusted with another item
        try:
            pipe.send(value)
        except Exception as exc:   # pickling happens before any byte is written
            pipe.send(Lost("unsendable", f"{type(exc).__name__}: {exc}"[:300]))


class _Slot:
    """One item: its answer once there is one."""

    def __init__(self, item: Any) -> None:
        self.item, self.answer, self.done = item, None, False


class _Worker:
    """A forked process serving calls, and the item it is busy with."""

    def __init__(self, context, call) -> None:
        self.pipe, theirs = context.Pipe()
        self.process = context.Process(target=_serve, args=(call, theirs), daemon=True)
        self.process.start()
        theirs.close()     # only the worker holds its end: its death is our end of file
        self.slot: _Slot | None = None
        self.deadline = 0.0

    def give(self, slot: _Slot, limit: float) -> None:
        self.pipe.send(slot.item)
        self.slot, self.deadline = slot, time.monotonic() + limit

    def settle(self, answer: Any) -> None:
        self.slot.answer, self.slot.done, self.slot = answer, True, None

    def collect(self) -> bool:
        """The pipe or the process said something: settle the answer, or the death. True while
        the worker can take another item."""
        try:
            answer = self.pipe.recv() if self.pipe.poll() else None
        except (EOFError, OSError):
            answer = None
        if answer is None:
            self.end(kill=True)
            self.settle(Lost("crash", _describe_exit(self.process.exitcode)))
            return False
        self.settle(answer)
        if isinstance(answer, Lost) and answer.cause == "crash":
            self.process.join(5)     # it ends by itself after a call that raised
            self.end(kill=True)
            return False
        return True

    def end(self, *, kill: bool = False) -> None:
        if kill and self.process.is_alive():
            self.process.kill()
        elif self.process.is_alive():
            try:
                self.pipe.send(_STOP)
            except OSError:
                pass
            self.process.join(5)
            if self.process.is_alive():
                self.process.kill()
        self.process.join()
        self.pipe.close()


def run_each(call: Callable[[Any], Any], items: Iterable[Any], *, processes: int, limit_seconds: float,
             ahead: int | None = None) -> Iterator[tuple[Any, Any]]:
    """``(item, call(item))`` for every item, in the order given, each call in a worker process.

    At most ``processes`` workers, each one call at a time; at most ``ahead`` (default
    ``2 × processes``) answers wait to be taken, so memory does not grow with the number of
    items. A call still running ``limit_seconds`` after it was given is killed with its worker.
    The answer is :class:`Lost` when the call gave none. ``call`` is inherited through fork,
    never pickled; items and answers are pickled. Stopping the iteration early ends the workers."""
    context = multiprocessing.get_context("fork")
    ahead = max(ahead or 2 * processes, processes)
    queue, slots = iter(items), deque()
    idle: list[_Worker] = []
    busy: list[_Worker] = []
    try:
        while True:
            while len(busy) < processes and len(slots) < ahead:
                item = next(queue, _END)
                if item is _END:
                    break
                slots.append(slot := _Slot(item))
                worker = idle.pop() if idle else _Worker(context, call)
                worker.give(slot, limit_seconds)
                busy.append(worker)
            if not slots:
                return
            if slots[0].done:
                slot = slots.popleft()
                yield slot.item, slot.answer
                continue
            _await(busy, idle, limit_seconds)
    finally:
        for worker in busy:
            worker.end(kill=True)
        for worker in idle:
            worker.end()


def _await(busy: list[_Worker], idle: list[_Worker], limit_seconds: float) -> None:
    """Wait for some busy worker to answer, die or pass its deadline; settle those."""
    timeout = max(0.0, min(worker.deadline for worker in busy) - time.monotonic())
    ready = set(wait([w for worker in busy for w in (worker.pipe, worker.process.sentinel)], timeout))
    now = time.monotonic()
    for worker in list(busy):
        if worker.pipe in ready or worker.process.sentinel in ready:
            busy.remove(worker)
            if worker.collect():
                idle.append(worker)
        elif now >= worker.deadline:
            busy.remove(worker)
            worker.end(kill=True)
            worker.settle(Lost("time-limit", f"still running after {limit_seconds:g} s"))
