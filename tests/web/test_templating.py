"""Template filters: figures read the same on every page."""

from __future__ import annotations

from groundswell.measures.suppression import Cell
from groundswell.web.templating import cell


def test_finding_figures_on_pages_have_thousands_separators():
    """Issue 15: pages showed "20000 people" where the rest of the service writes 20,000."""
    assert cell(Cell(20000, 20000)) == "20,000"
    assert cell(Cell(17549.40000000047, 12)) == "17,549.4"
    assert cell(Cell(2.0, 12)) == "2"
    assert cell(Cell((1234.567, -0.5), 30)) == "[1,234.57, -0.5]"
    assert cell(Cell(None, 3, "suppressed (<10)")) == "suppressed (<10)"
    assert cell(Cell("n/a", 12)) == "n/a"
