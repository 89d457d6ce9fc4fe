{
    "name": "exemplar",
    "version": "1.0",
    "summary": "Example module of the test suite: implements every extension point",
    "depends": [],
    "permissions": {
        "exemplar.read": ["member_staff", "member_manager"],
        "exemplar.write": ["member_manager"],
    },
    "demo": True,
    "application": True,
}
