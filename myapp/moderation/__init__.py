"""Running the site: reports from readers, staff actions on content and people, and the audit
log of every such action."""
