"""Exceptions the worker layer records on task results (by import path, so keep them here)."""


class WorkerLostError(Exception):
    """The task was running on workers that stopped heartbeating, too many times in a row.

    Recorded instead of re-queueing it once more, so that a task which kills its worker (out of
    memory, a crash in a C extension) cannot take down every worker in turn."""
