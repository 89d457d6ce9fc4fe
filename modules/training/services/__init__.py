"""The training domain: every rule lives here and is called the same way by views, API and jobs.

Transactions: services add and flush; the caller (view, API handler, job) commits once.
"""
