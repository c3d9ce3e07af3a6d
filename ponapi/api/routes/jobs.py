"""GET /api/jobs/{job_id}: a background job's state, progress and result or error."""

from __future__ import annotations

import re

import orjson
from fastapi import APIRouter
from fastapi.responses import Response

from ponapi.api.deps import ROLE_RANK, Ctx, CurrentUser
from ponapi.api.envelope import success_body
from ponapi.api.errors import ApiError, ErrorCode
from ponapi.db.models import Role
from ponapi.jobs import job_view, revealed_secrets

router = APIRouter(prefix="/api/jobs", tags=["jobs"])
_JOB_ID = re.compile(r"[0-9a-f]{32}")


@router.get("/{job_id}")
async def get_job(job_id: str, user: CurrentUser, ctx: Ctx) -> Response:
    """``status`` is queued, running, done (``result`` holds the stats response) or failed
    (``error`` holds the error envelope). Visible to the user who started it and to admins; a
    secret in the result (the Wi-Fi password) only to a reader who is a technician or admin now."""
    job = await ctx.jobs.get(job_id) if _JOB_ID.fullmatch(job_id) else None
    if job is None or (job.get("owner") != user.id and user.role != Role.admin.value):
        raise ApiError(
            ErrorCode.NOT_FOUND, "No such job (jobs are kept for an hour).", message="Job not found"
        )
    # The reader's role now decides whether a secret in the result is shown.
    reveal = ROLE_RANK[Role(user.role)] >= ROLE_RANK[Role.technician]
    if reveal:
        for field in revealed_secrets(job):
            ctx.audit.record("secret.reveal", user=user, target=f"job {job_id}", field=field)
    view = job_view(job, reveal_secrets=reveal)
    return Response(
        orjson.dumps(success_body(view, f"Job {job['status']}")),
        media_type="application/json",
    )
