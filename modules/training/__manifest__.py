{
    "name": "training",
    "version": "1.0",
    "summary": "Training sessions with national-network trainers: seats, waiting lists, certificates",
    "depends": [],
    "permissions": {
        "training.view": ["member_staff", "member_manager", "trainer", "board_member", "host_referent"],
        "training.enrol": ["member_manager"],
        "training.interest": ["member_manager"],
        "training.report": ["member_manager"],
        "training.attendance": ["trainer"],
        "training.manage": [],
    },
    "demo": True,
    "application": True,
}
