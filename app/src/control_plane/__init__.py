"""Delta Strangle control plane: API, JSON logs and the backend log pipeline."""

__version__ = "0.1.0"
