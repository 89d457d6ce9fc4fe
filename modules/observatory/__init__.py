"""Observatory: members' activity reports per period, regional dashboards, public figures.

It imports no other module: their figures arrive through the erp_observatory_indicators hook.
"""
