"""The web app: a JSON API over the engine (FastAPI), serving runs, their results and their CZML scenes."""
