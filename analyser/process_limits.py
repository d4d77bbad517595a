"""Limits a child process puts on itself: how much address space it may take, and dying with its parent.

Used by batch workers and by the guarded reader's children (Linux; elsewhere they do nothing). A cap on
the address space (RLIMIT_AS) turns a decompression bomb into a failed allocation in that child instead of
a machine that swaps or an out-of-memory killer that picks some other process.
"""
from __future__ import annotations

import os
import signal
import sys


def address_space() -> int:
    """The bytes of address space this process holds now (VmSize); 0 where /proc is not available."""
    try:
        with open("/proc/self/statm", encoding="ascii") as handle:
            return int(handle.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def cap_address_space(limit_bytes: int) -> None:
    """Let this process map at most `limit_bytes` (never above a hard limit set by someone else)."""
    try:
        import resource
    except ImportError:  # not a POSIX system
        return
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit_bytes = min(limit_bytes, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit_bytes, limit_bytes))


def no_core_files() -> None:
    """Write no core file when this process crashes: pdfium aborts on an allocation the cap refuses, and
    the core of a reader stopped at 2-4 GB would be as large."""
    try:
        import resource
    except ImportError:
        return
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def die_with_parent(parent: int, signum: int = signal.SIGTERM) -> None:
    """Have the kernel send `signum` to this process when `parent` (the process that started it) ends,
    so that a killed run leaves no orphans; exit at once if the parent has already gone."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signum)  # PR_SET_PDEATHSIG
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)
