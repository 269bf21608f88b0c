"""One writer per export format: ``write(data, folder, rng) -> list[WrittenFile]``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np

from pipelines.samplegen.centre_data import CentreData, WrittenFile
from pipelines.samplegen.writers import glasgow, leeds, lisbon, manila

Writer = Callable[[CentreData, Path, np.random.Generator], list[WrittenFile]]

WRITERS: dict[str, Writer] = {
    "leeds": leeds.write,
    "glasgow": glasgow.write,
    "lisbon": lisbon.write,
    "manila": manila.write,
}
