{
    "name": "failing_job",
    "version": "1.0",
    "summary": "Test module whose scheduled job always fails",
    "application": False,
}
