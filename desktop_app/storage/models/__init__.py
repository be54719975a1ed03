"""All tables of the application, one class per table (SQLAlchemy 2, typed)."""

from desktop_app.storage.models.accounts import Account
from desktop_app.storage.models.base import NAMING_CONVENTION, Base
from desktop_app.storage.models.consultation import (
    FollowUpAction,
    JointAction,
    Meeting,
    UrgentNotice,
    joint_action_organisations,
    meeting_organisations,
)
from desktop_app.storage.models.keys import KeyWrap
from desktop_app.storage.models.ledgers import (
    AssistanceExtension,
    AssistanceRequest,
    Complainant,
    Complaint,
    CriminalTransfer,
    Dispute,
    EnforcementCase,
    InfoShare,
    NegotiationRound,
    Referral,
    criminal_transfer_officers,
    info_share_counterparts,
)
from desktop_app.storage.models.records import (
    Attachment,
    AuditEntry,
    Document,
    Material,
    StoredFile,
)
from desktop_app.storage.models.reference import (
    CalendarOverride,
    CalendarYear,
    Organisation,
    PenaltyMatter,
    Setting,
    Staff,
)

__all__ = [
    "NAMING_CONVENTION",
    "Account",
    "AssistanceExtension",
    "AssistanceRequest",
    "Attachment",
    "AuditEntry",
    "Base",
    "CalendarOverride",
    "CalendarYear",
    "Complainant",
    "Complaint",
    "CriminalTransfer",
    "Dispute",
    "Document",
    "EnforcementCase",
    "FollowUpAction",
    "InfoShare",
    "JointAction",
    "KeyWrap",
    "Material",
    "Meeting",
    "NegotiationRound",
    "Organisation",
    "PenaltyMatter",
    "Referral",
    "Setting",
    "Staff",
    "StoredFile",
    "UrgentNotice",
    "criminal_transfer_officers",
    "info_share_counterparts",
    "joint_action_organisations",
    "meeting_organisations",
]
