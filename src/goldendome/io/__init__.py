"""Results store (JSON + Parquet), and later CZML and reports."""
