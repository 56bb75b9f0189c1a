"""Full-text search over the articles (title, description, body and tags), per database.

- PostgreSQL: ``articles.search_vector``, a weighted tsvector (title A, description B and tags
  B, body C) in the text search configuration ``conduit_search`` (English stemming after
  ``unaccent``), GIN-indexed, kept by triggers on articles and on article_tags.
- SQLite: ``articles_search``, an FTS5 table (porter stemming, diacritics removed) holding each
  article's title, description, body and tags under the article's id, kept by triggers on
  articles and on article_tags.
- MariaDB: ``articles.search_tags`` (the tag names, kept by triggers on article_tags) and an
  InnoDB FULLTEXT index on title, description, body and search_tags. The collation
  (utf8mb4_unicode_ci) ignores accents.

None of these objects is in the models: ``migrations/env.py`` leaves them out of comparisons
(``SEARCH_OBJECTS``), and ``myapp/articles/search.py`` queries them.

Revision ID: c8a1d5e7f203
Revises: be4971a74018
Create Date: 2026-11-23 02:40:00

"""

from alembic import op

revision = "c8a1d5e7f203"
down_revision = "be4971a74018"
branch_labels = None
depends_on = None

POSTGRESQL_UP = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    # Kept when the tables are dropped (as the test suite does), so made only if missing.
    """DO $$ BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'conduit_search') THEN
            CREATE TEXT SEARCH CONFIGURATION conduit_search (COPY = pg_catalog.english);
            ALTER TEXT SEARCH CONFIGURATION conduit_search
                ALTER MAPPING FOR hword, hword_part, word WITH unaccent, english_stem;
        END IF;
    END $$""",
    "ALTER TABLE articles ADD COLUMN search_vector tsvector",
    # Underscores become spaces first: PostgreSQL's parser takes quadratic time over runs such
    # as "_a_a_a..." (seconds for a long body), and in prose they only join words.
    """CREATE OR REPLACE FUNCTION articles_search_vector(
            article_id integer, title text, description text, body text
        ) RETURNS tsvector LANGUAGE sql STABLE AS $$
        SELECT setweight(to_tsvector('conduit_search', translate(coalesce(title, ''), '_', ' ')), 'A')
            || setweight(to_tsvector('conduit_search',
                translate(coalesce(description, ''), '_', ' ')), 'B')
            || setweight(to_tsvector('conduit_search', translate(coalesce((
                SELECT string_agg(tags.name, ' ') FROM article_tags
                JOIN tags ON tags.id = article_tags.tag_id
                WHERE article_tags.article_id = $1), ''), '_', ' ')), 'B')
            || setweight(to_tsvector('conduit_search', translate(coalesce(body, ''), '_', ' ')), 'C')
        $$""",
    """CREATE OR REPLACE FUNCTION articles_search_refresh() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            NEW.search_vector := articles_search_vector(
                NEW.id, NEW.title, NEW.description, NEW.body);
            RETURN NEW;
        END $$""",
    """CREATE TRIGGER articles_search_refresh
        BEFORE INSERT OR UPDATE OF title, description, body ON articles
        FOR EACH ROW EXECUTE FUNCTION articles_search_refresh()""",
    """CREATE OR REPLACE FUNCTION article_tags_search_refresh() RETURNS trigger LANGUAGE plpgsql AS $$
        DECLARE changed integer;
        BEGIN
            IF TG_OP = 'DELETE' THEN changed := OLD.article_id;
            ELSE changed := NEW.article_id; END IF;
            UPDATE articles SET search_vector = articles_search_vector(
                id, title, description, body) WHERE id = changed;
            IF TG_OP = 'UPDATE' AND OLD.article_id <> NEW.article_id THEN
                UPDATE articles SET search_vector = articles_search_vector(
                    id, title, description, body) WHERE id = OLD.article_id;
            END IF;
            RETURN NULL;
        END $$""",
    """CREATE TRIGGER article_tags_search_refresh
        AFTER INSERT OR UPDATE OR DELETE ON article_tags
        FOR EACH ROW EXECUTE FUNCTION article_tags_search_refresh()""",
    "UPDATE articles SET search_vector = articles_search_vector(id, title, description, body)",
    "CREATE INDEX ix_articles_search_vector ON articles USING gin (search_vector)",
]
POSTGRESQL_DOWN = [
    "DROP TRIGGER article_tags_search_refresh ON article_tags",
    "DROP FUNCTION article_tags_search_refresh()",
    "DROP TRIGGER articles_search_refresh ON articles",
    "DROP FUNCTION articles_search_refresh()",
    "DROP FUNCTION articles_search_vector(integer, text, text, text)",
    "ALTER TABLE articles DROP COLUMN search_vector",
    "DROP TEXT SEARCH CONFIGURATION conduit_search",
]

# An article's tags as one text (SQLite).
_TAGS = """coalesce((SELECT group_concat(tags.name, ' ') FROM article_tags
    JOIN tags ON tags.id = article_tags.tag_id WHERE article_tags.article_id = {id}), '')"""
_SQLITE_REINDEX = f"""DELETE FROM articles_search WHERE rowid = {{id}};
    INSERT INTO articles_search (rowid, title, description, body, tags)
        SELECT id, title, description, body, {_TAGS.format(id="articles.id")}
        FROM articles WHERE id = {{id}};"""
SQLITE_UP = [
    # IF NOT EXISTS, and emptied: dropping the models' tables (as the tests do) keeps it.
    """CREATE VIRTUAL TABLE IF NOT EXISTS articles_search USING fts5(
        title, description, body, tags,
        tokenize='porter unicode61 remove_diacritics 2')""",
    f"""CREATE TRIGGER articles_search_insert AFTER INSERT ON articles BEGIN
        {_SQLITE_REINDEX.format(id="new.id")}
    END""",
    f"""CREATE TRIGGER articles_search_update
        AFTER UPDATE OF title, description, body ON articles BEGIN
        {_SQLITE_REINDEX.format(id="new.id")}
    END""",
    """CREATE TRIGGER articles_search_delete AFTER DELETE ON articles BEGIN
        DELETE FROM articles_search WHERE rowid = old.id;
    END""",
    f"""CREATE TRIGGER article_tags_search_insert AFTER INSERT ON article_tags BEGIN
        {_SQLITE_REINDEX.format(id="new.article_id")}
    END""",
    f"""CREATE TRIGGER article_tags_search_delete AFTER DELETE ON article_tags BEGIN
        {_SQLITE_REINDEX.format(id="old.article_id")}
    END""",
    "DELETE FROM articles_search",
    f"""INSERT INTO articles_search (rowid, title, description, body, tags)
        SELECT id, title, description, body, {_TAGS.format(id="articles.id")} FROM articles""",
]
SQLITE_DOWN = [
    "DROP TRIGGER article_tags_search_delete",
    "DROP TRIGGER article_tags_search_insert",
    "DROP TRIGGER articles_search_delete",
    "DROP TRIGGER articles_search_update",
    "DROP TRIGGER articles_search_insert",
    "DROP TABLE articles_search",
]

_MARIADB_TAGS = """(SELECT coalesce(group_concat(tags.name SEPARATOR ' '), '')
    FROM article_tags JOIN tags ON tags.id = article_tags.tag_id
    WHERE article_tags.article_id = {id})"""
MARIADB_UP = [
    "ALTER TABLE articles ADD COLUMN search_tags TEXT NOT NULL DEFAULT ''",
    f"""CREATE TRIGGER article_tags_search_insert AFTER INSERT ON article_tags FOR EACH ROW
        UPDATE articles SET search_tags = {_MARIADB_TAGS.format(id="NEW.article_id")}
        WHERE id = NEW.article_id""",
    f"""CREATE TRIGGER article_tags_search_delete AFTER DELETE ON article_tags FOR EACH ROW
        UPDATE articles SET search_tags = {_MARIADB_TAGS.format(id="OLD.article_id")}
        WHERE id = OLD.article_id""",
    f"UPDATE articles SET search_tags = {_MARIADB_TAGS.format(id='articles.id')}",
    """CREATE FULLTEXT INDEX ix_articles_search
        ON articles (title, description, body, search_tags)""",
]
MARIADB_DOWN = [
    "DROP INDEX ix_articles_search ON articles",
    "DROP TRIGGER article_tags_search_delete",
    "DROP TRIGGER article_tags_search_insert",
    "ALTER TABLE articles DROP COLUMN search_tags",
]

UP = {"postgresql": POSTGRESQL_UP, "sqlite": SQLITE_UP, "mysql": MARIADB_UP, "mariadb": MARIADB_UP}
DOWN = {
    "postgresql": POSTGRESQL_DOWN,
    "sqlite": SQLITE_DOWN,
    "mysql": MARIADB_DOWN,
    "mariadb": MARIADB_DOWN,
}


def upgrade():
    bind = op.get_bind()
    for statement in UP[bind.dialect.name]:
        bind.exec_driver_sql(statement)


def downgrade():
    bind = op.get_bind()
    for statement in DOWN[bind.dialect.name]:
        bind.exec_driver_sql(statement)
