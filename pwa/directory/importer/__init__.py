"""Importing open data into the directory: OpenActive RPDE feeds (openactive) and Open Referral
UK services (openreferral), checked item by item (common) and written in one go (run).
The command is `flask --app pwa import-directory` (pwa/cli.py)."""
