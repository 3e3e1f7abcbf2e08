"""Exports and reports built from a case file (jsonl, csv, md, html)."""
