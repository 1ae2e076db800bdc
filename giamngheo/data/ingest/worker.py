"""The worker process of :mod:`giamngheo.data.ingest.guard`: reads one pickled request on stdin
``(data, filename, kwargs, headroom)``, caps its own address space, checks the file and writes one
pickled reply on stdout: ``("ok", Checked)``, ``("memory", None)`` or ``("error", text)``."""
from __future__ import annotations

import pickle
import sys

from giamngheo.data.ingest.memory import out_of_memory


def _limit_memory(headroom: int) -> None:
    try:
        import resource
        with open("/proc/self/status") as fh:
            vm = next(int(line.split()[1]) * 1024 for line in fh if line.startswith("VmSize:"))
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        cap = vm + headroom
        if hard != resource.RLIM_INFINITY:
            cap = min(cap, hard)
        resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    except (OSError, ValueError, StopIteration, ImportError):   # not Linux: the reader's bounds still hold
        pass


def main() -> int:
    from giamngheo.data.ingest.check import check_file

    data, filename, kwargs, headroom = pickle.loads(sys.stdin.buffer.read())
    _limit_memory(headroom)
    try:
        reply = ("ok", check_file(data, filename, **kwargs))
    except MemoryError:
        reply = ("memory", None)
    except SystemError as exc:
        # under the address-space cap CPython's C code can fail an allocation without setting MemoryError
        # ("error return without exception set"; 1 run in 40 with 1 MB of headroom): the cap, not the file
        without = "without exception set" in str(exc) or "without setting an exception" in str(exc)
        reply = ("memory", None) if without or out_of_memory(exc) else ("error", repr(exc)[:300])
    except Exception as exc:   # noqa: BLE001 — reported to the parent as a problem, never a traceback
        reply = ("memory", None) if out_of_memory(exc) else ("error", repr(exc)[:300])
    try:
        out = pickle.dumps(reply, protocol=pickle.HIGHEST_PROTOCOL)
    except MemoryError:
        out = pickle.dumps(("memory", None))
    sys.stdout.buffer.write(out)
    sys.stdout.buffer.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
