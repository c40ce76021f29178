"""Report pages: server-drawn charts with text alternatives and data tables (see `build`)."""

from .build import REGION, Chart, Report, Section, Table, build_report

__all__ = ["REGION", "Chart", "Report", "Section", "Table", "build_report"]
