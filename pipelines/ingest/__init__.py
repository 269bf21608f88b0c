"""Ingestion: any centre's export into the DuckDB warehouse, driven by source configs.

Public API::

    from pipelines.ingest import ingest_files
    report = ingest_files()                      # every file the configs point at
    report = ingest_files([Path("x.csv")])       # just these files
    report.failed, report.results                # per file and kind: rows, status, message
"""

from .config import ConfigError, SourceConfig, load_source_configs, parse_source_config
from .load import KindResult
from .run import RunReport, exports_dir, ingest_files

__all__ = [
    "ConfigError",
    "KindResult",
    "RunReport",
    "SourceConfig",
    "exports_dir",
    "ingest_files",
    "load_source_configs",
    "parse_source_config",
]
