"""Generate every centre's exports, centre by centre, and the manifest.

Each centre draws from its own random stream (seed, centre number), so its files do
not depend on which other centres are generated. Vendors whose repeat callers turn to
the in-house centre are simulated first and hand over only those few callers.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from pipelines.samplegen import calendar
from pipelines.samplegen.centre_data import CentreData, WrittenFile
from pipelines.samplegen.contacts import SPILL_COLUMNS, centre_contacts
from pipelines.samplegen.formats import FORMAT_SPECS
from pipelines.samplegen.manifest import manifest, write_manifest
from pipelines.samplegen.people import PEOPLE_STREAM, centre_people
from pipelines.samplegen.profiles import centre_profiles, spill_partner
from pipelines.samplegen.qa import centre_qa
from pipelines.samplegen.surveys import centre_surveys
from pipelines.samplegen.writers import WRITERS
from pipelines.samplegen.writers.people import write_people
from pipelines.samplegen.writers.reported import write_reports

DEFAULT_SEED = 20261122
MAX_SCALE = 500.0


def generate_samples(
    out: Path,
    seed: int = DEFAULT_SEED,
    scale: float = 1.0,
    centres: int = 4,
    progress: Callable[[str], None] = lambda message: None,
    weeks: int = calendar.DEFAULT_WEEKS,
) -> dict:
    """Write all export files and MANIFEST.json into ``out``; return the manifest.

    The exports cover the ``weeks`` ISO weeks up to Sunday 2026-11-22."""
    if not 0 < scale <= MAX_SCALE:
        raise ValueError(f"--scale must be above 0 and at most {MAX_SCALE:g}, got {scale:g}")
    window = calendar.export_window(weeks)
    profiles = centre_profiles(centres)
    grid = calendar.hour_grid(window)
    numbered = list(enumerate(profiles))
    # Vendors that spill repeat callers go first; their partners need those callers.
    numbered.sort(key=lambda item: item[1].spill_share == 0)
    spill_to: dict[str, list[pd.DataFrame]] = {p.centre_id: [] for p in profiles}
    written: list[WrittenFile] = []
    for number, profile in numbered:
        spec = FORMAT_SPECS[profile.export_format]
        streams = [
            np.random.default_rng(s) for s in np.random.SeedSequence([seed, number]).spawn(4)
        ]
        incoming = spill_to[profile.centre_id]
        incoming_spill = (
            pd.concat(incoming, ignore_index=True)
            if incoming
            else pd.DataFrame({c: np.array([], np.int64) for c in SPILL_COLUMNS})
        )
        contacts, spilled = centre_contacts(
            profile, spec, number, grid, scale, incoming_spill, streams[0]
        )
        partner = spill_partner(profiles, profile)
        if partner is not None and len(spilled):
            spill_to[partner.centre_id].append(spilled)
        # who holds each seat when: a stream of its own, so no other draw moves
        people_rng = np.random.default_rng(np.random.SeedSequence([seed, number, PEOPLE_STREAM]))
        contacts, people = centre_people(contacts, profile, window, people_rng)
        data = CentreData(
            profile,
            spec,
            contacts,
            centre_surveys(contacts, profile, spec, window, streams[1]),
            centre_qa(contacts, profile, window, streams[2]),
            window,
        )
        files = WRITERS[profile.export_format](data, out, streams[3])
        files += write_reports(data, out)  # a vendor's own KPI report, if it sends one
        files += write_people(data, people, out)  # the HR roster and the staff pulse
        written.extend(files)
        progress(
            f"{profile.centre_id}: {len(contacts):,} contacts, "
            f"{len(data.surveys):,} surveys, {len(data.qa):,} QA evaluations"
        )
    content = manifest(out, written, seed, scale, centres, window)
    write_manifest(out, content)
    return content
