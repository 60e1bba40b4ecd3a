"""The trainer's caseload: registration, the client journey, sessions, signposting, digest."""
