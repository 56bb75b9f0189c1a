"""Email notifications through a transactional outbox, and the messages they become."""
