"""Template-free reading of tables: grid positions, bands under header rows, column and row roles.

``read_table(table)`` gives a :class:`TableReading`; extraction builds the
report's forms from it. Nothing here knows a province's template.
"""

from reviewer.tables.headers import unit_stated
from reviewer.tables.model import Band, Column, Pair, Row, TableReading
from reviewer.tables.reader import read_table

__all__ = ["Band", "Column", "Pair", "Row", "TableReading", "read_table", "unit_stated"]
