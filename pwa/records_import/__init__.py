"""Bringing in last year's records from DCRS-era spreadsheets (DOMAIN.md section 9):
`flask --app pwa import-records DIR --service SLUG [--dry-run]`."""
