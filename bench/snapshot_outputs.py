"""Behaviour snapshot for refactors: run the command line on the built-in scenarios and studies and write what it
printed and every results file, normalised, into one folder; two snapshots (before and after a change) compare with
``diff -r``.

    python bench/snapshot_outputs.py /tmp/before            # at the old commit
    python bench/snapshot_outputs.py /tmp/after             # at the new one
    diff -r /tmp/before /tmp/after                          # nothing: same output, same files

Normalised: Parquet tables are written as CSV (their metadata carries library versions); JSON keeps its values
with the version and timing fields blanked; the terminal is 200 columns wide, its colours off; paths of the
temporary folders read <OUT>. Issue 18 asks for "every command's output and every results file identical before
and after" a refactor of the layers above the physics: this is how that is checked.
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pandas as pd

COMMANDS = [
    "run",
    "run critique-salvo",
    "run northern-approaches",
    "run threat-library",
    "run china-raid",
    "mc critique-salvo --trials 16 --seed 3",
    "mc critique-salvo --trials 8 --salvo 1,5",
    "cost cbo-2026",
    "cost golden-dome-175bn",
    "cost cbo-2025-letter",
    "cost sbi-cost-effectiveness",
    "sbi size sbi-quick",
    "coverage coverage-korea",
    "scenario list",
    "scenario show default",
    "scenario schema",
    "threat list",
    "threat show icbm-solid-3stage",
    "threat show minuteman-iii",
    "threat show hgv-regional",
    "threat show kh-101",
    "threat rerange --apogee-km 4475 --range-km 950 --flight-time-min 53",
    "radar list",
    "radar show uewr-clear",
    "interceptor list",
    "interceptor show gbi",
]
"""Each command, run with --out <its folder> where it takes one (and --quiet where it has a progress bar)."""

VOLATILE = re.compile(
    r"(version|elapsed|seconds|created|written_at|timestamp|wall|host|cpu_s|sha256|timings_s|"
    r"battle_s$)",
    re.I,
)
"""Fields that change from one run to the next without a change of behaviour: versions, timings, file hashes (Parquet
files carry library versions), hosts."""
TIMING = re.compile(r"\b(computed in|done in|took) \d[\d.,]* (s|min)\b")


def _blank(obj):
    """JSON with its version, timing and host fields blanked (they change between runs, not with behaviour)."""
    if isinstance(obj, dict):
        return {k: ("<volatile>" if VOLATILE.search(k) else _blank(v)) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_blank(v) for v in obj]
    return obj


def _text(text: str, tmp: str) -> str:
    """Printed text with the temporary folder and the run's timings blanked."""
    return TIMING.sub(r"\1 <t> \2", text.replace(tmp, "<OUT>"))


def _normalise(folder: Path, dest: Path, tmp: str) -> None:
    """Every file of a results folder, normalised, into dest."""
    for path in sorted(folder.rglob("*")):
        if not path.is_file():
            continue
        rel = path.relative_to(folder)
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if path.suffix == ".parquet":
            table = pd.read_parquet(path)
            table = table.drop(columns=[c for c in table.columns if VOLATILE.search(str(c))])
            table.to_csv(target.with_suffix(".parquet.csv"), index=False)
        elif path.suffix == ".json":
            text = json.dumps(_blank(json.loads(path.read_text())), indent=1, sort_keys=True)
            target.write_text(text.replace(tmp, "<OUT>"))
        elif path.suffix in (".png", ".html", ".czml"):
            target.with_suffix(path.suffix + ".size").write_text("present\n")  # figures: their presence
        else:
            target.write_text(_text(path.read_text(errors="replace"), tmp))


def _takes(command: str, option: str) -> bool:
    return (
        option
        in subprocess.run(
            [sys.executable, "-m", "goldendome.cli.main", *command.split(), "--help"],
            capture_output=True,
            text=True,
            env=_env(),
        ).stdout
    )


def _env() -> dict:
    return {**os.environ, "COLUMNS": "200", "NO_COLOR": "1", "TERM": "dumb"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dest", type=Path, help="the snapshot folder (replaced)")
    parser.add_argument("--only", help="run only the commands containing this text")
    args = parser.parse_args()
    shutil.rmtree(args.dest, ignore_errors=True)
    args.dest.mkdir(parents=True)
    with tempfile.TemporaryDirectory() as tmp:
        for k, command in enumerate(COMMANDS):
            if args.only and args.only not in command:
                continue
            name = f"{k:02d}-" + re.sub(r"[^a-z0-9]+", "-", command.lower()).strip("-")[:60]
            argv = command.split()
            out = Path(tmp) / name
            if _takes(command, "--out"):
                argv += ["--out", str(out)]
            if _takes(command, "--quiet"):
                argv += ["--quiet"]
            proc = subprocess.run(
                [sys.executable, "-m", "goldendome.cli.main", *argv], capture_output=True, text=True, env=_env()
            )
            (args.dest / f"{name}.txt").write_text(
                _text(f"$ goldendome {command}\nexit {proc.returncode}\n{proc.stdout}\n--- stderr\n{proc.stderr}", tmp)
            )
            if out.exists():
                _normalise(out, args.dest / name, tmp)
            print(f"{name}: exit {proc.returncode}", flush=True)


if __name__ == "__main__":
    main()
