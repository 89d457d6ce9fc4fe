{
    "name": "incubation",
    "version": "1.0",
    "summary": "Tracks for new project holders, hosted at established ressourceries",
    "depends": [],
    "permissions": {
        "incubation.apply": ["project_holder"],
        "incubation.host": ["member_manager", "host_referent"],
        "incubation.coach": ["member_manager", "member_staff", "host_referent", "board_member"],
        "incubation.manage": [],
    },
    "demo": True,
    "application": True,
}
