"""PDF documents (fpdf2) with a Unicode font, so French text and the euro sign print as typed."""

from __future__ import annotations

from pathlib import Path

from fpdf import FPDF

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")  # Debian's fonts-dejavu-core (.ci/run installs it)
FALLBACK = str.maketrans({"€": "EUR", "œ": "oe", "Œ": "OE", "’": "'", "\u202f": " ", "…": "..."})


class Document(FPDF):
    """A4 portrait, DejaVu Sans when installed (Helvetica with latin-1 text otherwise)."""

    def __init__(self, title: str, orientation: str = "P"):
        super().__init__(orientation=orientation, format="A4")
        self.unicode = (FONT_DIR / "DejaVuSans.ttf").is_file()
        if self.unicode:
            self.add_font("DejaVu", "", str(FONT_DIR / "DejaVuSans.ttf"))
            self.add_font("DejaVu", "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
        self.family = "DejaVu" if self.unicode else "Helvetica"
        self.set_title(self.clean(title))
        self.set_auto_page_break(True, margin=15)
        self.add_page()
        self.set_font(self.family, "B", 16)
        self.multi_cell(0, 9, self.clean(title), new_x="LMARGIN", new_y="NEXT")
        self.ln(2)
        self.set_font(self.family, "", 10)

    def clean(self, text) -> str:
        text = str(text)
        return text if self.unicode else text.translate(FALLBACK).encode("latin-1", "replace").decode("latin-1")

    def heading(self, text: str) -> None:
        self.ln(2)
        self.set_font(self.family, "B", 12)
        self.multi_cell(0, 7, self.clean(text), new_x="LMARGIN", new_y="NEXT")
        self.set_font(self.family, "", 10)

    def paragraph(self, text: str) -> None:
        self.multi_cell(0, 5, self.clean(text), new_x="LMARGIN", new_y="NEXT")

    def table_rows(self, header: list[str], rows: list[list], widths: list[float] | None = None) -> None:
        with self.table(col_widths=widths, text_align="LEFT", line_height=6) as table:
            head = table.row()
            for cell in header:
                head.cell(self.clean(cell))
            for values in rows:
                row = table.row()
                for cell in values:
                    row.cell(self.clean("" if cell is None else cell))

    def render(self) -> bytes:
        return bytes(self.output())
