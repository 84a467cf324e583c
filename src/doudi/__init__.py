"""doudi (兜底): social-assistance administration for civil-affairs bureaus."""

__version__ = "0.1.0"
