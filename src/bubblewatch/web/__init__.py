"""Local dashboard (FastAPI) serving the same results as the CLI's ``to_json()``."""
