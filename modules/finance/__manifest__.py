{
    "name": "finance",
    "version": "1.0",
    "summary": "Statements, settlement rounds, payments, invoices and accounting exports",
    "depends": [],
    "permissions": {
        "finance.statement": ["member_manager", "treasurer"],
        "finance.treasury": ["treasurer"],
    },
    "demo": True,
    "application": True,
}
