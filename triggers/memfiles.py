"""Files held in memory that the readers take where they take a path.

The quarantine sends an edited row back through the parser that read its file, as a one-row
file of the same name (a folder of them for a bundle), without writing it anywhere: a
`MemoryFile` has the few things of a path the readers use (name, stem, suffix, exists,
is_dir, read_bytes), and a `MemoryFolder` gives its files by `folder / name`. `as_path` leaves
them as they are and makes a `pathlib.Path` of anything else.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path, PurePath


@dataclass(frozen=True)
class MemoryFile:
    name: str
    data: bytes | None  # None: no such file in its folder

    @property
    def stem(self) -> str:
        return PurePath(self.name).stem

    @property
    def suffix(self) -> str:
        return PurePath(self.name).suffix

    def exists(self) -> bool:
        return self.data is not None

    def is_dir(self) -> bool:
        return False

    def read_bytes(self) -> bytes:
        if self.data is None:
            raise FileNotFoundError(self.name)
        return self.data

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True)
class MemoryFolder:
    name: str
    files: dict[str, bytes] = field(default_factory=dict)

    def __truediv__(self, name: str) -> MemoryFile:
        return MemoryFile(name, self.files.get(name))

    def exists(self) -> bool:
        return True

    def is_dir(self) -> bool:
        return True

    def __str__(self) -> str:
        return self.name


def as_path(path: str | os.PathLike | MemoryFile | MemoryFolder) -> Path | MemoryFile | MemoryFolder:
    return path if isinstance(path, (MemoryFile, MemoryFolder)) else Path(path)
