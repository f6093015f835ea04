"""The engine's data files (lexicons and trained weights) shipped in `engine/data/`.

Tables are tab-separated `term<TAB>weight` lines, optionally gzip-compressed; lines
starting with `#` are comments. Generated tables are written by `engine/train.py`;
the `*-domain.tsv` ones are written by hand and reviewed like code."""

from __future__ import annotations

import gzip
from collections.abc import Iterator, Sequence
from pathlib import Path

DATA_DIR = Path(__file__).parent / "data"


def read_table(name: str) -> Iterator[tuple[str, float]]:
    path = DATA_DIR / name
    opener = gzip.open if name.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as lines:
        for line in lines:
            if not line.strip() or line.startswith("#"):
                continue
            term, _, weight = line.rstrip("\n").rpartition("\t")
            yield term, float(weight)


def read_rows(name: str) -> Iterator[tuple[str, list[float]]]:
    """Like read_table, for tables with several numbers after the term."""
    path = DATA_DIR / name
    opener = gzip.open if name.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as lines:
        for line in lines:
            if line.strip() and not line.startswith("#"):
                term, *values = line.rstrip("\n").split("\t")
                yield term, [float(v) for v in values]


def write_rows(name: str, rows: list[tuple[str, list[float]]]) -> Path:
    return write_table(name, [(t, "\t".join(f"{v:.4g}" for v in vs)) for t, vs in rows])


def write_table(name: str, rows: Sequence[tuple[str, float | str]]) -> Path:
    path = DATA_DIR / name
    body = "".join(
        f"{term}\t{weight if isinstance(weight, str) else f'{weight:.4g}'}\n"
        for term, weight in rows
    )
    if name.endswith(".gz"):
        path.write_bytes(gzip.compress(body.encode("utf-8"), mtime=0))
    else:
        path.write_text(body, encoding="utf-8")
    return path
