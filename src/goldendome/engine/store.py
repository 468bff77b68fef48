"""The resumable store of a Monte Carlo study: one Parquet file per table and trial, one manifest per finished trial.

Layout of a study folder::

    study.json                      what the study is: scenario hash, root seed, trial count, trial function
    <table>/trial-000042.parquet    one file per table and trial; every frame's first column is ``trial`` (int64)
    _done/trial-000042.json         the manifest, written LAST: each table's file with its sha256 and row count
    _failed/trial-000042.json       a trial whose function raised: the exception and traceback (rerun on resume)

Why a file per trial and a manifest: a trial is *finished* exactly when its manifest exists, parses, and every file
it lists is there with the recorded sha256. Each file is written under a temporary name in its own folder, fsynced
and renamed (``os.replace`` is atomic on POSIX), and the manifest goes last, so a worker killed mid-trial, or a
power cut that loses a rename, leaves at worst files with no valid manifest: a restart deletes those and reruns the
trial. Nothing half-written is ever read, because :func:`connect` builds its DuckDB views from the manifests'
explicit file lists rather than from a glob.
"""

import hashlib
import io
import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

DONE_DIR = "_done"
FAILED_DIR = "_failed"
STUDY_FILE = "study.json"
TABLE_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*\Z")
"""A table name is a folder name and a DuckDB view name; a leading underscore is kept for the store's own folders."""
_TRIAL_FILE = re.compile(r"trial-(\d{6,})\.(parquet|json)\Z")
_TEMP_SUFFIX = ".tmp"


def trial_stem(index: int) -> str:
    """The file stem of trial ``index``: ``trial-000042``."""
    return f"trial-{index:06d}"


def encode_tables(index: int, tables: Mapping[str, pd.DataFrame]) -> dict[str, tuple[bytes, int]]:
    """Parquet bytes and row count of each named frame, with an int64 ``trial`` column put first.

    Runs in the worker, so the parent only hashes and writes bytes. Raises ``TypeError``/``ValueError`` with what to
    change when the trial function returned something the store cannot hold.
    """
    if not isinstance(tables, Mapping):
        raise TypeError(f"a trial function must return a dict of table name -> pandas.DataFrame, not {type(tables)}")
    out = {}
    for name, frame in tables.items():
        if not isinstance(name, str) or not TABLE_NAME.match(name):
            raise ValueError(f"table name {name!r} must be letters, digits and '_', starting with a letter")
        if not isinstance(frame, pd.DataFrame):
            raise TypeError(f"table {name!r} is a {type(frame).__name__}; return a pandas.DataFrame")
        if "trial" in frame.columns:
            if not (frame["trial"] == index).all():
                raise ValueError(f"table {name!r} has a 'trial' column that differs from the trial index {index}")
            frame = frame.drop(columns="trial")
        frame = frame.reset_index(drop=True)
        frame.insert(0, "trial", pd.Series(index, index=frame.index, dtype="int64"))
        buf = io.BytesIO()
        pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), buf)
        out[name] = (buf.getvalue(), len(frame))
    return out


def write_atomic(path: Path, data: bytes, durable: bool = True) -> None:
    """Write ``data`` to ``path`` so that a reader (or a crash) sees the old file or the whole new one, never part.

    The bytes go to a temporary name in the same folder (same file system, so the rename is atomic), are fsynced
    (unless ``durable`` is False), then ``os.replace`` puts them in place. The fsync costs about 2-4 ms a file on
    a virtual disk; skipping it is still safe here, because after a power cut the sha256 check of the manifests
    finds any file the cache had not written yet, and the trial is rerun.
    """
    tmp = path.with_name(f".{path.name}.{os.getpid()}{_TEMP_SUFFIX}")
    with open(tmp, "wb") as f:
        f.write(data)
        if durable:
            f.flush()
            os.fsync(f.fileno())
    os.replace(tmp, path)


def write_trial(
    out_dir: Path, index: int, encoded: Mapping[str, tuple[bytes, int]], durable: bool = True, **extra
) -> dict:
    """Write one trial's table files, then its manifest (last: it is what makes the trial count as finished).

    ``extra`` (JSON-able, e.g. ``wall_s``, ``cpu_s``: the trial's time in its worker) is stored in the manifest.
    Returns the manifest.
    """
    stem = trial_stem(index)
    tables = {}
    for name, (data, rows) in encoded.items():
        folder = out_dir / name
        folder.mkdir(exist_ok=True)
        write_atomic(folder / f"{stem}.parquet", data, durable)
        tables[name] = {"file": f"{name}/{stem}.parquet", "sha256": hashlib.sha256(data).hexdigest(), "rows": rows}
    manifest = {"trial": index, "tables": tables, **extra}
    (out_dir / DONE_DIR).mkdir(exist_ok=True)
    write_atomic(out_dir / DONE_DIR / f"{stem}.json", json.dumps(manifest, indent=1).encode(), durable)
    return manifest


def _sha256_of(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def read_manifest(out_dir: Path, path: Path, verify: bool = True) -> dict | None:
    """The manifest at ``path`` if it describes a finished trial, else None (missing, unparsable, or a listed file
    missing or, with ``verify``, not matching its sha256)."""
    m = _TRIAL_FILE.match(path.name)
    try:
        manifest = json.loads(path.read_text())
        tables = manifest["tables"]
        if m is None or manifest["trial"] != int(m.group(1)) or not isinstance(tables, dict):
            return None
        for name, entry in tables.items():
            file = out_dir / entry["file"]
            if not TABLE_NAME.match(name) or file.parent.name != name or file.parent.parent != out_dir:
                return None  # a manifest pointing outside its own table folder was not written by this module
            if not file.is_file() or (verify and _sha256_of(file) != entry["sha256"]):
                return None
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return manifest


@dataclass
class StoreState:
    """What a scan of a study folder found.

    finished: trial index -> manifest of every finished trial.
    corrupt: indices whose manifest exists but is unreadable or lists a missing or altered file.
    orphans: table files (and temporaries) that no finished trial's manifest lists.
    """

    finished: dict[int, dict] = field(default_factory=dict)
    corrupt: list[int] = field(default_factory=list)
    orphans: list[Path] = field(default_factory=list)

    @property
    def tables(self) -> list[str]:
        """Names of the tables held by finished trials."""
        return sorted({name for m in self.finished.values() for name in m["tables"]})


def _table_dirs(out_dir: Path) -> list[Path]:
    if not out_dir.is_dir():
        return []
    return [p for p in out_dir.iterdir() if p.is_dir() and TABLE_NAME.match(p.name)]


def scan(out_dir: Path, verify: bool = True) -> StoreState:
    """Sort a study folder into finished trials, corrupt manifests and orphan files (reads, changes nothing)."""
    out_dir = Path(out_dir)
    state = StoreState()
    done = out_dir / DONE_DIR
    for path in sorted(done.glob("trial-*.json")) if done.is_dir() else []:
        m = _TRIAL_FILE.match(path.name)
        if m is None:
            continue
        manifest = read_manifest(out_dir, path, verify)
        if manifest is None:
            state.corrupt.append(int(m.group(1)))
        else:
            state.finished[manifest["trial"]] = manifest
    listed = {out_dir / e["file"] for m in state.finished.values() for e in m["tables"].values()}
    for folder in _table_dirs(out_dir):
        for path in folder.iterdir():
            temporary = path.name.startswith(".trial-") and path.name.endswith(_TEMP_SUFFIX)
            if (temporary or _TRIAL_FILE.match(path.name)) and path not in listed:
                state.orphans.append(path)
    return state


def remove_trial(out_dir: Path, index: int) -> None:
    """Delete every file of trial ``index``: its manifest first (so it stops counting), then its table files."""
    stem = trial_stem(index)
    (out_dir / DONE_DIR / f"{stem}.json").unlink(missing_ok=True)
    for folder in _table_dirs(out_dir):
        (folder / f"{stem}.parquet").unlink(missing_ok=True)


def record_failure(out_dir: Path, index: int, error: str) -> None:
    """Keep the exception text of a trial whose function raised, in ``_failed/trial-<index>.json``."""
    (out_dir / FAILED_DIR).mkdir(exist_ok=True)
    payload = {"trial": index, "error": error}
    write_atomic(out_dir / FAILED_DIR / f"{trial_stem(index)}.json", json.dumps(payload, indent=1).encode())


def clear_failure(out_dir: Path, index: int) -> None:
    """Forget an earlier failure of trial ``index`` (it has now finished)."""
    (out_dir / FAILED_DIR / f"{trial_stem(index)}.json").unlink(missing_ok=True)


def failed_trials(out_dir: Path) -> dict[int, str]:
    """Trial index -> exception text of the trials recorded as failed (and not finished since)."""
    out = {}
    folder = Path(out_dir) / FAILED_DIR
    for path in sorted(folder.glob("trial-*.json")) if folder.is_dir() else []:
        try:
            rec = json.loads(path.read_text())
            out[int(rec["trial"])] = str(rec["error"])
        except (OSError, ValueError, KeyError, TypeError):
            continue
    return out


def finished_trials(out_dir: Path, verify: bool = True) -> list[int]:
    """Sorted indices of the finished trials of a study folder (manifest present and, with ``verify``, every listed
    file matching its sha256; without it, only present)."""
    return sorted(scan(Path(out_dir), verify).finished)


def _sql_str(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def connect(out_dir: Path, verify: bool = True) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB connection with one view per table over the finished trials only.

    Each view reads the explicit list of files named by valid manifests (``union_by_name``, so trials that added a
    column still stack), so files of an unfinished or corrupt trial are never counted, even while a study is still
    writing. The file list is fixed when the view is made: connect again to see trials finished since.

    Example::

        con = connect("runs/raid")
        con.execute("SELECT avg(zero_leak::int) FROM trials").fetchone()
    """
    out_dir = Path(out_dir).resolve()
    files: dict[str, list[str]] = {}
    for _, manifest in sorted(scan(out_dir, verify).finished.items()):
        for name, entry in manifest["tables"].items():
            files.setdefault(name, []).append(str(out_dir / entry["file"]))
    con = duckdb.connect()
    for name, paths in sorted(files.items()):
        listing = ", ".join(_sql_str(p) for p in paths)
        con.execute(f'CREATE VIEW "{name}" AS SELECT * FROM read_parquet([{listing}], union_by_name = true)')
    return con
