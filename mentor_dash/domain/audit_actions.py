"""Names of the actions recorded in the audit trail."""

SIGN_IN = "auth.sign_in"
SIGN_IN_FAILED = "auth.sign_in_failed"
SIGN_OUT = "auth.sign_out"
PASSWORD_CHANGED = "account.password_changed"
PROFILE_CHANGED = "account.profile_changed"
CONTACT_DETAILS_CHANGED = "coach.contact_details_changed"

MENTOR_CHANGED = "mentorship.mentor_changed"
MENTOR_ARCHIVED = "mentorship.archived"
MENTOR_UNARCHIVED = "mentorship.unarchived"

COACH_CHANGED = "enrollment.coach_changed"
PRIMARY_COACH_CHANGED = "enrollment.primary_changed"
COACH_ARCHIVED = "enrollment.archived"
COACH_UNARCHIVED = "enrollment.unarchived"
UNENROLLED = "enrollment.unenrolled"

SUBMISSION_HANDED_IN = "submission.handed_in"
SUBMISSION_GRADED = "submission.graded"
EXAM_RELEASED = "exam.released"
EXAM_SUBMITTED = "exam.submitted"
EXAM_EVALUATED = "exam.evaluated"
EXAM_RESIT_GRANTED = "exam.resit_granted"
XP_AWARDED = "xp.awarded"

GROUP_CREATED = "group.created"
GROUP_RENAMED = "group.renamed"
GROUP_DELETED = "group.deleted"
GROUP_MEMBER_ADDED = "group.member_added"
GROUP_MEMBER_REMOVED = "group.member_removed"

COACH_AVAILABILITY_CHANGED = "coach.availability_changed"

# Progress: row values (XP, exam status, last activity) move; nobody joins or leaves a list.
PROGRESS_PREFIXES = ("submission.", "exam.", "xp.")
