"""The Findings screen's parts: its view (filter, grouping, selection, rows), its decisions and its reveal."""
