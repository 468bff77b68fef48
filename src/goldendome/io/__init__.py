"""What a run or study leaves behind: the results store (JSON + Parquet), the CZML scene and extra layers of the
globe, PNG figures, the self-contained HTML report, and the printed sentence of a schedule's deadline verdict."""
