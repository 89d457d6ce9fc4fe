"""The fixed roles a membership can carry, and the organization kinds."""

from flask_babel import lazy_gettext as _l

NETWORK_ADMIN = "network_admin"
BOARD_MEMBER = "board_member"
MEMBER_MANAGER = "member_manager"
MEMBER_STAFF = "member_staff"
TRAINER = "trainer"
HOST_REFERENT = "host_referent"
PROJECT_HOLDER = "project_holder"
TREASURER = "treasurer"

ROLES = {
    NETWORK_ADMIN: _l("Network admin"),
    BOARD_MEMBER: _l("Board member"),
    MEMBER_MANAGER: _l("Member manager"),
    MEMBER_STAFF: _l("Member staff"),
    TRAINER: _l("Trainer"),
    HOST_REFERENT: _l("Host referent"),
    PROJECT_HOLDER: _l("Project holder"),
    TREASURER: _l("Treasurer"),
}

ORG_KINDS = {
    "member": _l("Member ressourcerie"),
    "network": _l("Network association"),
    "partner": _l("Partner"),
    "project": _l("Project"),
}
