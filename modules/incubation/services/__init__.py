"""The incubation domain: every rule lives in these modules, called alike by views, API and jobs."""
