"""Child processes that never outlive naba: started with a parent-death signal, stopped in bounded time."""

from __future__ import annotations

import contextlib
import ctypes
import signal
import subprocess

_PR_SET_PDEATHSIG = 1


def die_with_parent() -> None:
    """In the child (preexec_fn): get SIGTERM when the parent dies, even by SIGKILL (Linux)."""
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


def stop_process(process: subprocess.Popen[bytes], timeout: float) -> bool:
    """SIGTERM, wait up to ``timeout`` seconds, then SIGKILL; False when it had to be killed."""
    if process.poll() is not None:
        return True
    process.terminate()
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        return False
    return True
