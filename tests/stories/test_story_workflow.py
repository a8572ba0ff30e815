"""The consent state machine: hand-picked paths and property-based sequences."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from groundswell.errors import Conflict, GroundswellError, PermissionDenied
from groundswell.stories.workflow import (
    ALLOWED,
    Action,
    Actor,
    Consent,
    Kind,
    State,
    Status,
    apply,
    invariant_violations,
)

MOD, TELLER, CURATOR = Actor.MODERATOR, Actor.STORYTELLER, Actor.CURATOR

actions = st.builds(
    Action,
    kind=st.sampled_from(list(Kind)),
    actor=st.sampled_from(list(Actor)),
    consent=st.one_of(st.none(), st.sampled_from(list(Consent))),
    pack=st.one_of(st.none(), st.integers(1, 3)),
    open_flags=st.integers(0, 2),
)
starts = st.builds(State, consent=st.sampled_from(list(Consent)), open_flags=st.integers(0, 2))


def run(state: State, seq: list[Action]) -> list[State]:
    seen = [state]
    for action in seq:
        try:
            state = apply(state, action)
        except GroundswellError:
            continue
        seen.append(state)
    return seen


@settings(max_examples=300, deadline=None)
@given(starts, st.lists(actions, max_size=25))
def test_no_sequence_breaks_consent(start, seq):
    for state in run(start, seq):
        assert invariant_violations(state) == [], state


@settings(max_examples=150, deadline=None)
@given(starts, st.lists(actions, max_size=25), st.lists(actions, max_size=10))
def test_withdrawal_cascades_and_is_final(start, before, after):
    state = run(start, before)[-1]
    if state.status is not Status.WITHDRAWN:
        state = apply(state, Action(Kind.WITHDRAW, TELLER))
    assert state.status is Status.WITHDRAWN and not state.packs
    for action in after:
        with pytest.raises(GroundswellError):
            apply(state, action)


@settings(max_examples=200, deadline=None)
@given(starts, st.sampled_from(list(Kind)), st.sampled_from(list(Actor)))
def test_wrong_actor_is_always_refused(start, kind, actor):
    if actor in ALLOWED[kind]:
        return
    with pytest.raises(PermissionDenied):
        apply(start, Action(kind, actor, consent=Consent.PUBLISH, pack=1))


def test_happy_path_to_pack_and_publication():
    s = State(consent=Consent.PUBLISH, open_flags=2)
    with pytest.raises(Conflict, match="2 personal-data flag"):
        apply(s, Action(Kind.APPROVE, MOD))
    s = apply(s, Action(Kind.RESOLVE_FLAG, MOD))
    s = apply(s, Action(Kind.EDIT, MOD, open_flags=0))
    s = apply(s, Action(Kind.APPROVE, MOD))
    s = apply(s, Action(Kind.ADD_TO_PACK, CURATOR, pack=7))
    s = apply(s, Action(Kind.PUBLISH, MOD))
    assert s.status is Status.PUBLISHED and s.packs == {7}
    # Consent lowered to training: unpublished, still in the pack.
    s = apply(s, Action(Kind.SET_CONSENT, TELLER, consent=Consent.TRAINING))
    assert s.status is Status.APPROVED and s.packs == {7}
    # Lowered to private: out of every pack, back to moderation.
    s = apply(s, Action(Kind.SET_CONSENT, TELLER, consent=Consent.PRIVATE))
    assert s.status is Status.SUBMITTED and not s.packs


def test_private_story_cannot_be_approved_or_packed():
    s = State()
    with pytest.raises(Conflict, match="private"):
        apply(s, Action(Kind.APPROVE, MOD))
    with pytest.raises(Conflict, match="training use"):
        apply(s, Action(Kind.ADD_TO_PACK, CURATOR, pack=1))


def test_training_consent_cannot_publish():
    s = apply(State(consent=Consent.TRAINING), Action(Kind.APPROVE, MOD))
    with pytest.raises(Conflict, match="not 'publish'"):
        apply(s, Action(Kind.PUBLISH, MOD))


def test_needs_changes_then_storyteller_edit_resubmits():
    s = apply(State(consent=Consent.TRAINING), Action(Kind.REQUEST_CHANGES, MOD))
    assert s.status is Status.NEEDS_CHANGES
    s = apply(s, Action(Kind.EDIT, TELLER, open_flags=1))
    assert s.status is Status.SUBMITTED and s.open_flags == 1
