"""Report pages: server-drawn charts with text alternatives and data tables (see `build`)."""

from .build import REGION, Chart, Report, Section, Table, build_report
from .pdf import PdfUnavailable, report_pdf

__all__ = [
    "REGION",
    "Chart",
    "PdfUnavailable",
    "Report",
    "Section",
    "Table",
    "build_report",
    "report_pdf",
]
