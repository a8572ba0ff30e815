"""About the service: the roles and what each may see and do, read from the permission table."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from groundswell.auth.permissions import WHO, role_matrix
from groundswell.web.templating import render

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)


@router.api_route("/about/roles", methods=["GET", "HEAD"])
def roles_matrix(request: Request) -> HTMLResponse:
    return render(request, "about_roles.html", who=WHO, matrix=role_matrix())
