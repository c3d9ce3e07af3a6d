"""GET /api/jobs/{job_id}: a background job's state, progress and result or error."""

from __future__ import annotations

import re
from typing import Any

import orjson
from fastapi import APIRouter
from fastapi.responses import Response

from ponapi.api.deps import ROLE_RANK, AuthUser, Ctx, CurrentUser
from ponapi.api.envelope import success_body
from ponapi.api.errors import ApiError, ErrorCode
from ponapi.db.models import Role
from ponapi.jobs import job_view, revealed_secrets

router = APIRouter(prefix="/api/jobs", tags=["jobs"])
_JOB_ID = re.compile(r"[0-9a-f]{32}")


def may_read(job: dict[str, Any], user: AuthUser) -> bool:
    """Within the user's ISP, and theirs or the reader an admin (of that ISP or platform)."""
    if not user.scope.allows(job.get("tenant")):
        return False
    return job.get("owner") == user.id or user.role == Role.admin.value


@router.get("/{job_id}")
async def get_job(job_id: str, user: CurrentUser, ctx: Ctx) -> Response:
    """``status`` is queued, running, done (``result`` holds the stats response) or failed
    (``error`` holds the error envelope). Visible to the user who started it and to admins of
    its ISP; a secret in the result (the Wi-Fi password) only to a reader who is a technician
    or admin now. Another ISP's job is answered as a missing one."""
    job = await ctx.jobs.get(job_id) if _JOB_ID.fullmatch(job_id) else None
    if job is None or not may_read(job, user):
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
