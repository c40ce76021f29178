"""Report pages: server-drawn charts with text alternatives and data tables (see `build`)."""

from .build import Report, build_report
from .figures import REGION, Chart, Section, Table
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
