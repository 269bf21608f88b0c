"""Enterprise-scale benchmarks: ``python -m benchmarks`` (see docs/PERFORMANCE.md).

One run generates a scaled dataset, times ingestion against DuckDB's raw readers, times
the metric-layer queries behind every dashboard page and export (cold and warm), times
the app's start, and writes ``results/latest.json`` and ``docs/PERFORMANCE.md``.
"""
