"""GET /api/jobs/{job_id}: a background job's state, progress and result or error."""

from __future__ import annotations

import re

import orjson
from fastapi import APIRouter
from fastapi.responses import Response

from ponapi.api.deps import Ctx, CurrentUser
from ponapi.api.envelope import success_body
from ponapi.api.errors import ApiError, ErrorCode
from ponapi.db.models import Role
from ponapi.jobs import job_view

router = APIRouter(prefix="/api/jobs", tags=["jobs"])
_JOB_ID = re.compile(r"[0-9a-f]{32}")


@router.get("/{job_id}")
async def get_job(job_id: str, user: CurrentUser, ctx: Ctx) -> Response:
    """``status`` is queued, running, done (``result`` holds the stats response) or failed
    (``error`` holds the error envelope). Visible to the user who started it and to admins."""
    job = await ctx.jobs.get(job_id) if _JOB_ID.fullmatch(job_id) else None
    if job is None or (job.get("owner") != user.id and user.role != Role.admin.value):
        raise ApiError(
            ErrorCode.NOT_FOUND, "No such job (jobs are kept for an hour).", message="Job not found"
        )
    return Response(
        orjson.dumps(success_body(job_view(job), f"Job {job['status']}")),
        media_type="application/json",
    )
