"""Talking to the FIM server: the session shared by completion and generate, the problem
messages, and one backend module per wire format (backends/, chosen from one registry)."""
