"""Governance rules, called the same way by the pages, the API and the jobs."""
