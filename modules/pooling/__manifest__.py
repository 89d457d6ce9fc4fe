{
    "name": "pooling",
    "version": "1.0",
    "summary": "Shared equipment booking and group purchasing",
    "depends": [],
    "permissions": {
        "pooling.view": ["member_staff", "member_manager", "board_member"],
        "pooling.book": ["member_staff", "member_manager"],
        "pooling.manage": ["member_manager"],
        "pooling.approve": ["member_manager"],
        "pooling.purchase.pledge": ["member_staff", "member_manager"],
        "pooling.purchase.manage": ["network_admin"],
    },
    "demo": True,
    "application": True,
}
