"""Seeded generator of the sample exports described in docs/SAMPLE_DATA.md.

``generate_samples(out, seed, scale, centres, weeks=26)`` writes each centre's files in
its own format plus MANIFEST.json; the CLI is ``python -m pipelines generate-samples``.
"""

from pipelines.samplegen.generator import DEFAULT_SEED, generate_samples

__all__ = ["DEFAULT_SEED", "generate_samples"]
