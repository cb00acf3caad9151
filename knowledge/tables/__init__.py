"""Tables read by structure from a page's raw text.

In: the text of one PDF page as the loader extracted it (before cleaning: the cleaner drops lone
year lines, which are column headers). Out: `Table`s whose rows carry each cell under the column
(year, span, kind) the page's header line puts it in, and the measure the caption states.
"""

from knowledge.tables.model import Cell, Column, Measure, Row, Table
from knowledge.tables.reader import read

__all__ = ["Cell", "Column", "Measure", "Row", "Table", "read"]
