"""Articles, their tags, favorites and comments."""
