"""Users: accounts, profiles, follows, passwords and API tokens."""
