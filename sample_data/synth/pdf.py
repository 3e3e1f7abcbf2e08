"""fpdf2 with cp1252 core fonts and a fixed creation date, and the few layout helpers the documents use."""

from __future__ import annotations

from fpdf import FPDF

from sample_data.synth.writers import FIXED_DT


class Pdf(FPDF):
    """fpdf2 with cp1252 core fonts, a fixed creation date and an optional footer line."""

    def __init__(self, footer_text: str = "", title: str = "") -> None:
        super().__init__()
        self.core_fonts_encoding = "windows-1252"
        self.footer_text = footer_text
        self.set_creation_date(FIXED_DT)
        self.set_auto_page_break(True, margin=18)
        self.set_margins(18, 16, 18)
        if title:
            self.set_title(title)
        self.set_creator("Lumenframe DocGen 3.2")

    def footer(self) -> None:
        self.set_y(-13)
        self.set_font("helvetica", size=8)
        self.set_text_color(110)
        text = f"{self.footer_text}    Page {self.page_no()}" if self.footer_text else f"Page {self.page_no()}"
        self.cell(0, 6, text, align="C")
        self.set_text_color(0)

    def h1(self, text: str) -> None:
        self.set_font("helvetica", "B", 16)
        self.multi_cell(0, 9, text)
        self.ln(2)

    def h2(self, text: str) -> None:
        self.set_font("helvetica", "B", 12)
        self.ln(2)
        self.multi_cell(0, 7, text)
        self.ln(1)

    def para(self, text: str, size: int = 10) -> None:
        self.set_font("helvetica", size=size)
        self.multi_cell(0, 5.5, text)
        self.ln(1.5)

    def line_text(self, text: str, size: int = 10, bold: bool = False) -> None:
        self.set_font("helvetica", "B" if bold else "", size)
        self.cell(0, 6, text, new_x="LMARGIN", new_y="NEXT")

    def row(self, cells: list[str], widths: list[float], bold: bool = False) -> None:
        self.set_font("helvetica", "B" if bold else "", 9)
        for text, width in zip(cells, widths, strict=True):
            self.cell(width, 6.5, text, border=1)
        self.ln()
