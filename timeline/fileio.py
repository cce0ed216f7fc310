"""Atomic output: a file is either the previous version or the complete new one, never half."""

from __future__ import annotations

import contextlib
import gc
import hashlib
import os
import re
import tempfile
import unicodedata
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

#: Bytes an :class:`AtomicOutput` gathers before one write to its file: few large writes,
#: without holding the whole output.
CHUNK = 1 << 20


def write_atomic(
    path: str | os.PathLike[str], data: str | bytes, *, mode: int | None = None
) -> Path:
    """Write ``data`` to ``path`` through a temporary file in the same folder and a rename.

    Text is written as UTF-8 with ``\\n`` line ends, so outputs are byte-identical across
    platforms. The file gets ``mode`` (e.g. ``0o600`` for a private file), by default the
    ordinary ``0o666`` less the umask. Returns the path written.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        # mkstemp makes 0600; outputs are ordinary files
        os.chmod(tmp, 0o666 & ~_umask() if mode is None else mode)
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    return target


class AtomicOutput:
    """A file written piece by piece into a temporary file beside ``path``, then synced and
    renamed over it: the file is the previous version or the complete new one, never half, and
    the whole output is never held in memory (pieces are gathered into writes of about
    :data:`CHUNK` bytes).

    Use it as a context manager: leaving the block normally commits (:meth:`commit`), leaving
    it by an exception removes the temporary file (:meth:`discard`) and leaves ``path`` as it
    was. Text pieces are written as UTF-8 (surrogates passed through, as the writers' fragments
    are). ``mode`` as for :func:`write_atomic`.
    """

    def __init__(self, path: str | os.PathLike[str], *, mode: int | None = None) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, self._tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".tmp", dir=self.path.parent)
        self._handle: BinaryIO | None = None
        try:
            os.chmod(self._tmp, 0o666 & ~_umask() if mode is None else mode)
            self._handle = os.fdopen(fd, "wb", buffering=0)
        except BaseException:
            os.close(fd)
            self._remove()
            raise
        self._pending: list[bytes] = []
        self._size = 0
        #: Bytes written so far (a writer's progress, or a test's).
        self.written = 0

    def write(self, data: bytes | str) -> None:
        """Add ``data`` to the file (after what was written before)."""
        if type(data) is not bytes:
            data = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else bytes(data)
        self._pending.append(data)
        self._size += len(data)
        if self._size >= CHUNK:
            self._flush()

    def writelines(self, pieces: Iterable[bytes]) -> None:
        """Add each of ``pieces`` (bytes) in order: the same as one :meth:`write` each."""
        pending = self._pending
        size = self._size
        for data in pieces:
            pending.append(data)
            size += len(data)
            if size >= CHUNK:
                self._size = size
                self._flush()
                size = 0
        self._size = size

    def _flush(self) -> None:
        if self._handle is None:
            raise ValueError(f"{self.path}: written after commit or discard")
        if self._pending:
            data = b"".join(self._pending)
            self._pending.clear()
            view = memoryview(data)
            while view:
                view = view[self._handle.write(view) or 0 :]
            self.written += len(data)
        self._size = 0

    def commit(self) -> Path:
        """Write what is pending, sync the file and rename it over ``path``; returns ``path``."""
        try:
            self._flush()
            assert self._handle is not None
            os.fsync(self._handle.fileno())
            self._handle.close()
            self._handle = None
            os.replace(self._tmp, self.path)
        except BaseException:
            self.discard()
            raise
        return self.path

    def discard(self) -> None:
        """Give up: the temporary file is removed, ``path`` stays as it was."""
        self._pending.clear()
        if self._handle is not None:
            try:
                self._handle.close()
            except OSError:
                pass
            self._handle = None
        self._remove()

    def _remove(self) -> None:
        try:
            os.unlink(self._tmp)
        except OSError:
            pass

    def __enter__(self) -> AtomicOutput:
        return self

    def __exit__(self, kind: object, *exc: object) -> None:
        if kind is None:
            if self._handle is not None:
                self.commit()
        else:
            self.discard()


def write_atomic_pieces(
    path: str | os.PathLike[str], pieces: Iterable[bytes], *, mode: int | None = None
) -> Path:
    """Write the concatenation of ``pieces`` to ``path`` as :func:`write_atomic` writes one
    text, without ever joining them all (:class:`AtomicOutput`). When iterating ``pieces``
    raises, ``path`` is left as it was. Returns the path written."""
    with AtomicOutput(path, mode=mode) as out:
        out.writelines(pieces)
    return out.path


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def sweep_temporary_files(folder: str | os.PathLike[str]) -> int:
    """Remove the temporary files a killed run of :func:`write_atomic` left in ``folder``."""
    removed = 0
    directory = Path(folder)
    if not directory.is_dir():
        return 0
    for path in directory.glob(".*.tmp"):
        try:
            path.unlink()
            removed += 1
        except OSError:
            pass
    return removed


def safe_stem(name: str, taken: set[str] | None = None) -> str:
    """A file name stem derived from a document name that cannot leave its folder.

    Only the last path component is kept, its extension dropped, and everything outside
    ``[A-Za-z0-9._-]`` replaced (after Unicode folding), so ``../``, absolute paths, NUL and odd
    Unicode cannot escape or collide with special names. When the stem is already in ``taken``
    (two documents called ``x.txt`` in two folders), a short hash of the full name is added.
    """
    last = re.split(r"[\\/]", name)[-1]
    base = last.rsplit(".", 1)[0] if "." in last.strip(".") else last
    folded = unicodedata.normalize("NFKD", base).encode("ascii", "ignore").decode("ascii")
    stem = re.sub(r"[^A-Za-z0-9._-]+", "_", folded).strip("._-")[:80] or "document"
    if taken is not None:
        if stem in taken:
            stem = f"{stem}-{hashlib.sha256(name.encode('utf-8', 'surrogatepass')).hexdigest()[:8]}"
        taken.add(stem)
    return stem


@contextlib.contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while an output is made.

    Writers make millions of short-lived dicts, lists and strings that reference counting
    frees; each collection of the oldest generation meanwhile walks every object the build
    holds (all extractions), which took half of the time of writing timeline.json at 10,000
    documents. Output is unaffected; the collector is restored as it was.
    """
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()
