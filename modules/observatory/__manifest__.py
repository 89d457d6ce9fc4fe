{
    "name": "observatory",
    "version": "1.0",
    "summary": "Activity observatory: members' periodic reports, regional dashboards, public figures",
    "depends": [],
    "permissions": {
        "observatory.view": ["member_staff", "member_manager", "board_member"],
        "observatory.report": ["member_manager"],
        "observatory.region": ["board_member"],
        "observatory.coordinate": [],
    },
    "demo": True,
    "application": True,
}
