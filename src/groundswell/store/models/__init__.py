"""SQLAlchemy models of the movement. Importing this package registers every table."""

from groundswell.store.models.accounts import Role, RoleGrant, User, UserSession
from groundswell.store.models.audit import AuditEvent
from groundswell.store.models.base import Base, UTCDateTime, utcnow
from groundswell.store.models.campaigns import (
    ActivityLog,
    Campaign,
    CampaignMember,
    CampaignUnit,
    CollectionMode,
    Instrument,
    SurveyResponse,
)
from groundswell.store.models.conversations import (
    Conversation,
    Moderation,
    Participant,
    Statement,
    StatementStatus,
    Vote,
)
from groundswell.store.models.initiatives import (
    Attendance,
    Event,
    Hand,
    Initiative,
    MemberRole,
    Membership,
    Pledge,
    PledgeStatus,
    PowerMode,
)
from groundswell.store.models.people import Person, PersonKind, Recruitment, Tie
from groundswell.store.models.privacy import ConsentEvent, ConsentPurpose
from groundswell.store.models.stories import ConsentLevel, Story, StoryStatus

__all__ = [
    "ActivityLog",
    "Attendance",
    "AuditEvent",
    "Base",
    "Campaign",
    "CampaignMember",
    "CampaignUnit",
    "CollectionMode",
    "ConsentEvent",
    "ConsentLevel",
    "ConsentPurpose",
    "Conversation",
    "Event",
    "Hand",
    "Initiative",
    "Instrument",
    "MemberRole",
    "Membership",
    "Moderation",
    "Participant",
    "Person",
    "PersonKind",
    "Pledge",
    "PledgeStatus",
    "PowerMode",
    "Recruitment",
    "Role",
    "RoleGrant",
    "Statement",
    "StatementStatus",
    "Story",
    "StoryStatus",
    "SurveyResponse",
    "Tie",
    "UTCDateTime",
    "User",
    "UserSession",
    "Vote",
    "utcnow",
]
