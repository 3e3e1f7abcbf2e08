"""Building blocks of the synthetic vendor share generator (see ../generate/)."""
