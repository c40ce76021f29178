"""Full exports of anonymised responses (CSV and XLSX), built by a worker into a file.

A request checks and records what it publishes exactly as responses.csv does, in the request's
transaction (a refusal records nothing), and records an `Export`, queued. A worker then writes
the file from the export's publications, streaming responses in batches so that memory stays
flat however many there are, and renames it into place when whole. The file is served only to
the person who asked (and admins) and deleted after the retention period.
"""

from .building import ExportFailed, build_export
from .files import MEDIA_TYPES, WrittenFile, download_name, expire_files, write_export
from .records import (
    MAX_ATTEMPTS,
    TIME_LIMIT,
    ExportProblem,
    ExportStatus,
    claim_export,
    describe_problem,
    fail_export,
    finish_export,
    recent_exports,
    record_export,
    request_export,
    visible_export,
    waiting_export_ids,
)

__all__ = [
    "MAX_ATTEMPTS",
    "MEDIA_TYPES",
    "TIME_LIMIT",
    "ExportFailed",
    "ExportProblem",
    "ExportStatus",
    "WrittenFile",
    "build_export",
    "claim_export",
    "describe_problem",
    "download_name",
    "expire_files",
    "fail_export",
    "finish_export",
    "recent_exports",
    "record_export",
    "request_export",
    "visible_export",
    "waiting_export_ids",
    "write_export",
]
