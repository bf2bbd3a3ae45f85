"""Calls on untrusted bytes, each in a forked process of its own that the run can lose.

A native reader (python-calamine's Rust, say) may panic, abort, segfault, be killed by the
kernel for memory, or loop. In a shared pool worker that takes the pool down
(``multiprocessing.Pool`` then waits for the dead worker's answer for ever). Here every call
gets a fresh process: whatever happens to it happens to that one call only, and its answer —
a value, or :class:`Lost` saying why there is none — comes back in the order the items were
given. A fork costs a few milliseconds against a read of tens to hundreds.

The child answers through a pipe; the parent waits on the pipe and on the process's end
together, so a child writing a large answer is read while it writes (no deadlock on a full
pipe), and a child that dies leaves an end of file instead of an answer.
"""

from __future__ import annotations

import multiprocessing
import signal
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any

_END = object()


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


def _child(call: Callable[[Any], Any], item: Any, answer: Connection) -> None:
    """Runs in the forked process: the call's value, or :class:`Lost` for what it raised."""
    try:
        value = call(item)
    except BaseException as exc:  # noqa: B036 — a Rust panic (pyo3 PanicException) is a BaseException
        value = Lost("crash", f"{type(exc).__name__}: {exc}"[:300])
    try:
        answer.send(value)
    except Exception as exc:  # pickling happens before any byte is written
        answer.send(Lost("unsendable", f"{type(exc).__name__}: {exc}"[:300]))
    answer.close()


class _Slot:
    """One item: its process while it runs, then its answer."""

    def __init__(self, item: Any) -> None:
        self.item = item
        self.process: Any = None
        self.pipe: Connection | None = None
        self.deadline = 0.0
        self.answer: Any = None
        self.done = False

    def start(self, context, call, limit: float) -> None:
        reader, writer = context.Pipe(duplex=False)
        self.process = context.Process(target=_child, args=(call, self.item, writer), daemon=True)
        self.process.start()
        writer.close()     # only the child holds the writing end: its death is our end of file
        self.pipe, self.deadline = reader, time.monotonic() + limit

    def finish(self, answer: Any, *, kill: bool = False) -> None:
        if kill:
            self.process.kill()
        self.process.join()
        self.pipe.close()
        self.answer, self.done, self.process, self.pipe = answer, True, None, None

    def collect(self) -> None:
        """The pipe or the process said something: read the answer, or note the death."""
        try:
            answer = self.pipe.recv() if self.pipe.poll() else None
        except (EOFError, OSError):
            answer = None
        if answer is None:
            self.process.join()
            answer = Lost("crash", _describe_exit(self.process.exitcode))
        self.finish(answer)


def run_each(call: Callable[[Any], Any], items: Iterable[Any], *, processes: int, limit_seconds: float,
             ahead: int | None = None) -> Iterator[tuple[Any, Any]]:
    """``(item, call(item))`` for every item, in the order given, each call in a forked process.

    At most ``processes`` calls run at once and at most ``ahead`` (default ``2 × processes``)
    answers wait to be taken, so memory does not grow with the number of items. A call still
    running ``limit_seconds`` after its start is killed. The answer is :class:`Lost` when the
    call gave none. ``call`` is inherited through fork, never pickled; its answer is pickled.
    Stopping the iteration early kills what still runs."""
    context = multiprocessing.get_context("fork")
    ahead = max(ahead or 2 * processes, processes)
    queue, slots = iter(items), deque()
    running: list[_Slot] = []
    try:
        while True:
            while len(running) < processes and len(slots) < ahead:
                item = next(queue, _END)
                if item is _END:
                    break
                slots.append(slot := _Slot(item))
                slot.start(context, call, limit_seconds)
                running.append(slot)
            if not slots:
                return
            if slots[0].done:
                slot = slots.popleft()
                yield slot.item, slot.answer
                continue
            _await(running, limit_seconds)
    finally:
        for slot in running:
            if not slot.done:
                slot.finish(Lost("time-limit", "stopped"), kill=True)


def _await(running: list[_Slot], limit_seconds: float) -> None:
    """Wait for some running call to answer, die or pass its deadline; settle those."""
    now = time.monotonic()
    timeout = max(0.0, min(slot.deadline for slot in running) - now)
    ready = set(wait([w for slot in running for w in (slot.pipe, slot.process.sentinel)], timeout))
    now = time.monotonic()
    for slot in list(running):
        if slot.pipe in ready or slot.process.sentinel in ready:
            slot.collect()
        elif now >= slot.deadline:
            slot.finish(Lost("time-limit", f"still running after {limit_seconds:g} s"), kill=True)
        if slot.done:
            running.remove(slot)

