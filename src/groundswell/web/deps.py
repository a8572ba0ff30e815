"""Request dependencies: the App built at start-up and a read-only session."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from groundswell.app import App


def get_gs(request: Request) -> App:
    gs: App = request.app.state.gs
    return gs


def get_session(request: Request) -> Iterator[Session]:
    with get_gs(request).reading() as session:
        yield session


ReadSession = Annotated[Session, Depends(get_session)]
GsApp = Annotated[App, Depends(get_gs)]
