{
    "name": "sluggish",
    "version": "1.0",
    "summary": "Test module whose dashboard hook is slow",
    "application": False,
}
