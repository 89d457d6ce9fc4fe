{
    "name": "governance",
    "version": "1.0",
    "summary": "Bodies, meetings, online votes with quorum and proxies, and the shared-needs board",
    "depends": [],
    "permissions": {
        "governance.view": ["board_member", "member_manager", "member_staff"],
        "governance.vote": ["board_member", "member_manager"],
        "governance.manage": ["board_member"],
        "governance.needs": ["board_member", "member_manager", "member_staff"],
    },
    "demo": True,
    "application": True,
}
