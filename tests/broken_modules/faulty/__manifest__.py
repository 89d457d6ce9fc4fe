{
    "name": "faulty",
    "version": "1.0",
    "summary": "Test module whose every hook raises",
    "application": False,
}
