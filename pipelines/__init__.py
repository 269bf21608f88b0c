"""Ingestion, warehouse, metric layer and exports for the contact-centre dashboard."""
