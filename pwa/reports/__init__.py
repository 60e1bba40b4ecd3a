"""Commissioner reports (DOMAIN.md section 7): the DCRS-style tables, key figures, data
completeness and the manager's dashboard. Every figure comes from GROUP BY queries in the
database; nothing here loads every client into Python."""
