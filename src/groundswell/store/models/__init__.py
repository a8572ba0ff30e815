"""SQLAlchemy models of the movement. Importing this package registers every table."""

from groundswell.store.models.account_tokens import AccountToken, TokenPurpose
from groundswell.store.models.accounts import Role, RoleGrant, SignInThrottle, User, UserSession
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
from groundswell.store.models.initiatives_log import (
    CoproductionDecision,
    DecisionMethod,
    InitiativeModeChange,
)
from groundswell.store.models.people import Person, PersonKind, Recruitment, Tie
from groundswell.store.models.privacy import ConsentEvent, ConsentPurpose
from groundswell.store.models.stories import ConsentLevel, Story, StoryStatus
from groundswell.store.models.story_bank import (
    ChangeMarker,
    Criticality,
    FlagStatus,
    PackItem,
    SafeguardingContact,
    StoryEvent,
    StoryFlag,
    StoryResponse,
    StoryReview,
    StoryTag,
    TrainingPack,
)

__all__ = [
    "AccountToken",
    "ActivityLog",
    "Attendance",
    "AuditEvent",
    "Base",
    "Campaign",
    "CampaignMember",
    "CampaignUnit",
    "ChangeMarker",
    "CollectionMode",
    "ConsentEvent",
    "ConsentLevel",
    "ConsentPurpose",
    "Conversation",
    "CoproductionDecision",
    "Criticality",
    "DecisionMethod",
    "Event",
    "FlagStatus",
    "Hand",
    "Initiative",
    "InitiativeModeChange",
    "Instrument",
    "MemberRole",
    "Membership",
    "Moderation",
    "PackItem",
    "Participant",
    "Person",
    "PersonKind",
    "Pledge",
    "PledgeStatus",
    "PowerMode",
    "Recruitment",
    "Role",
    "RoleGrant",
    "SafeguardingContact",
    "SignInThrottle",
    "Statement",
    "StatementStatus",
    "Story",
    "StoryEvent",
    "StoryFlag",
    "StoryResponse",
    "StoryReview",
    "StoryStatus",
    "StoryTag",
    "SurveyResponse",
    "Tie",
    "TokenPurpose",
    "TrainingPack",
    "UTCDateTime",
    "User",
    "UserSession",
    "Vote",
    "utcnow",
]
