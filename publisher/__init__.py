"""mpac-publisher: publish Atlassian Marketplace app versions from one release.yml."""

__version__ = "0.1.0"
