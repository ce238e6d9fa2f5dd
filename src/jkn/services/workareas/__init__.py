"""Work areas: deputy regions, branches, kab/kota and offices as a directory (read only)."""
