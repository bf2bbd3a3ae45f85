"""zhurnal: an electronic class journal that runs on spreadsheets."""

__version__ = "0.1.0"
