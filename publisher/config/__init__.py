"""Loading release.yml: positions, ${VAR} interpolation, schema and semantic checks."""

from publisher.config.loader import LoadResult, load_release
from publisher.config.model import Release

__all__ = ["LoadResult", "Release", "load_release"]
