"""The observatory's rules, called the same way by the views, the API and the jobs."""
