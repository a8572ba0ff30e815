"""Consent and moderation of a story as a pure state machine.

A story's state is its status, the storyteller's consent level, how many
personal-data flags are still open and which training packs hold it.
``apply(state, action)`` returns the next state or raises: ``PermissionDenied``
when the actor may not take that action at all, ``Conflict`` when the story is
not in a state that allows it. The adapters (actions, web, CLI) record what
this returns; they never decide a transition themselves.

Consent levels are ordered: *publish* includes use in *training*, and
*private* allows neither. The rules that no sequence of actions may break
(checked by ``invariant_violations`` and property-based tests):

- a published story has consent *publish*;
- a story in a pack is approved or published and has consent *training* or *publish*;
- an approved or published story has no open flags and consent above *private*;
- a withdrawn story is in no pack, and stays withdrawn.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field, replace

from groundswell.errors import Conflict, PermissionDenied


class Status(enum.StrEnum):
    SUBMITTED = "submitted"
    NEEDS_CHANGES = "needs_changes"
    APPROVED = "approved"
    PUBLISHED = "published"
    WITHDRAWN = "withdrawn"


class Consent(enum.StrEnum):
    PRIVATE = "private"
    TRAINING = "training"
    PUBLISH = "publish"


class Actor(enum.StrEnum):
    STORYTELLER = "storyteller"
    MODERATOR = "moderator"
    CURATOR = "curator"


class Kind(enum.StrEnum):
    EDIT = "edit"  # new text, rechecked: ``open_flags`` is the new count
    SET_CONSENT = "set_consent"
    RESOLVE_FLAG = "resolve_flag"  # one flag marked acceptable, with a reason
    REQUEST_CHANGES = "request_changes"
    APPROVE = "approve"
    PUBLISH = "publish"
    UNPUBLISH = "unpublish"
    ADD_TO_PACK = "add_to_pack"
    REMOVE_FROM_PACK = "remove_from_pack"
    WITHDRAW = "withdraw"


RANK = {Consent.PRIVATE: 0, Consent.TRAINING: 1, Consent.PUBLISH: 2}
IN_USE = frozenset({Status.APPROVED, Status.PUBLISHED})

# Who may take each action at all.
ALLOWED: dict[Kind, frozenset[Actor]] = {
    Kind.EDIT: frozenset({Actor.STORYTELLER, Actor.MODERATOR}),
    Kind.SET_CONSENT: frozenset({Actor.STORYTELLER}),
    Kind.RESOLVE_FLAG: frozenset({Actor.MODERATOR}),
    Kind.REQUEST_CHANGES: frozenset({Actor.MODERATOR}),
    Kind.APPROVE: frozenset({Actor.MODERATOR}),
    Kind.PUBLISH: frozenset({Actor.MODERATOR}),
    Kind.UNPUBLISH: frozenset({Actor.MODERATOR}),
    Kind.ADD_TO_PACK: frozenset({Actor.CURATOR}),
    Kind.REMOVE_FROM_PACK: frozenset({Actor.CURATOR}),
    Kind.WITHDRAW: frozenset({Actor.STORYTELLER}),
}


@dataclass(frozen=True, slots=True)
class State:
    status: Status = Status.SUBMITTED
    consent: Consent = Consent.PRIVATE
    open_flags: int = 0
    packs: frozenset[int] = field(default_factory=frozenset)


@dataclass(frozen=True, slots=True)
class Action:
    kind: Kind
    actor: Actor
    consent: Consent | None = None  # for SET_CONSENT
    pack: int | None = None  # for ADD_TO_PACK / REMOVE_FROM_PACK
    open_flags: int = 0  # for EDIT: flags the new text raised


def may_use_in_training(state: State) -> bool:
    return state.status in IN_USE and RANK[state.consent] >= RANK[Consent.TRAINING]


def apply(state: State, action: Action) -> State:
    """The state after ``action``; raises when the actor or the state does not allow it.

    >>> s = State(consent=Consent.TRAINING)
    >>> apply(s, Action(Kind.APPROVE, Actor.MODERATOR)).status
    <Status.APPROVED: 'approved'>
    """
    if action.actor not in ALLOWED[action.kind]:
        who = " or ".join(sorted(ALLOWED[action.kind]))
        raise PermissionDenied(f"only a {who} may {action.kind.value.replace('_', ' ')} a story")
    if state.status is Status.WITHDRAWN:
        raise Conflict(
            "the story was withdrawn by its storyteller; nothing more can be done with it"
        )
    return _STEPS[action.kind](state, action)


def _refuse(state: State, what: str, fix: str) -> Conflict:
    return Conflict(f"cannot {what} a story that is {state.status.value.replace('_', ' ')}; {fix}")


def _edit(state: State, action: Action) -> State:
    if action.open_flags < 0:
        raise Conflict("open_flags cannot be negative")
    if action.actor is Actor.STORYTELLER and state.status in (
        Status.SUBMITTED,
        Status.NEEDS_CHANGES,
    ):
        return replace(state, status=Status.SUBMITTED, open_flags=action.open_flags)
    if action.actor is Actor.MODERATOR and state.status is Status.SUBMITTED:
        return replace(state, open_flags=action.open_flags)
    raise _refuse(state, "edit", "ask for changes first, which sends it back for moderation")


def _set_consent(state: State, action: Action) -> State:
    level = action.consent
    if level is None:
        raise Conflict("say which consent level: private, training or publish")
    new = replace(state, consent=level)
    if level is Consent.PRIVATE and state.status in IN_USE:
        # Back to private: out of every pack and page, and moderated again if shared later.
        return replace(new, status=Status.SUBMITTED, packs=frozenset())
    if level is not Consent.PUBLISH and state.status is Status.PUBLISHED:
        return replace(new, status=Status.APPROVED)
    return new


def _resolve(state: State, action: Action) -> State:
    if state.open_flags <= 0:
        raise _refuse(state, "resolve a flag on", "it has no open personal-data flags")
    return replace(state, open_flags=state.open_flags - 1)


def _request_changes(state: State, action: Action) -> State:
    if state.status not in (Status.SUBMITTED, Status.APPROVED):
        raise _refuse(state, "ask for changes to", "only submitted or approved stories")
    return replace(state, status=Status.NEEDS_CHANGES, packs=frozenset())


def _approve(state: State, action: Action) -> State:
    if state.status is not Status.SUBMITTED:
        raise _refuse(state, "approve", "only a submitted story can be approved")
    if state.consent is Consent.PRIVATE:
        raise Conflict("the storyteller chose to keep this story private; it cannot be approved")
    if state.open_flags:
        raise Conflict(
            f"{state.open_flags} personal-data flag(s) still open; "
            "edit the text or mark each flag acceptable with a reason"
        )
    return replace(state, status=Status.APPROVED)


def _publish(state: State, action: Action) -> State:
    if state.status is not Status.APPROVED:
        raise _refuse(state, "publish", "approve it first")
    if state.consent is not Consent.PUBLISH:
        raise Conflict(f"the storyteller's consent is '{state.consent.value}', not 'publish'")
    return replace(state, status=Status.PUBLISHED)


def _unpublish(state: State, action: Action) -> State:
    if state.status is not Status.PUBLISHED:
        raise _refuse(state, "unpublish", "it is not published")
    return replace(state, status=Status.APPROVED)


def _add_to_pack(state: State, action: Action) -> State:
    if action.pack is None:
        raise Conflict("say which pack")
    if not may_use_in_training(state):
        raise Conflict(
            "only approved stories whose storyteller consented to training use can go in a pack"
        )
    return replace(state, packs=state.packs | {action.pack})


def _remove_from_pack(state: State, action: Action) -> State:
    if action.pack is None or action.pack not in state.packs:
        raise Conflict("the story is not in that pack")
    return replace(state, packs=state.packs - {action.pack})


def _withdraw(state: State, action: Action) -> State:
    return replace(state, status=Status.WITHDRAWN, packs=frozenset())


_STEPS = {
    Kind.EDIT: _edit,
    Kind.SET_CONSENT: _set_consent,
    Kind.RESOLVE_FLAG: _resolve,
    Kind.REQUEST_CHANGES: _request_changes,
    Kind.APPROVE: _approve,
    Kind.PUBLISH: _publish,
    Kind.UNPUBLISH: _unpublish,
    Kind.ADD_TO_PACK: _add_to_pack,
    Kind.REMOVE_FROM_PACK: _remove_from_pack,
    Kind.WITHDRAW: _withdraw,
}


def invariant_violations(state: State) -> list[str]:
    """The rules in the module docstring that ``state`` breaks (empty when none)."""
    bad = []
    if state.status is Status.PUBLISHED and state.consent is not Consent.PUBLISH:
        bad.append("published without consent to publish")
    if state.packs and not may_use_in_training(state):
        bad.append("in a pack without approval and training consent")
    if state.status in IN_USE and (state.open_flags or state.consent is Consent.PRIVATE):
        bad.append("in use with open flags or private consent")
    if state.status is Status.WITHDRAWN and state.packs:
        bad.append("withdrawn but still in a pack")
    return bad
