"""The Streamlit dashboard: thin pages over the metric layer in ``pipelines.metrics``."""
