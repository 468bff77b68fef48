"""The web app: the globe page (CesiumJS, offline) and a JSON API over the engine (FastAPI): runs and Monte Carlo
studies as background jobs, their progress, results, CZML scenes and reports."""
