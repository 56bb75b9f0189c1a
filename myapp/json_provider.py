"""JSON through orjson: fast to write, and strict to read (no lone surrogates, bounded nesting,
integers that fit 64 bits), so odd input is a clean 400 rather than a crash further in."""

from typing import Any

import orjson
from flask.json.provider import DefaultJSONProvider
from webargs import core
from webargs.flaskparser import FlaskParser, is_json_request
from werkzeug.exceptions import UnsupportedMediaType


class OrjsonProvider(DefaultJSONProvider):
    def dumps(self, obj: Any, **kwargs: Any) -> str:
        option = orjson.OPT_NON_STR_KEYS | (orjson.OPT_SORT_KEYS if self.sort_keys else 0)
        return orjson.dumps(obj, default=self.default, option=option).decode()

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        return orjson.loads(s)


# Bodies read as JSON: JSON itself, and what clients send when they don't say (fetch() with a
# string body sends text/plain). A form or file upload is answered 415.
JSON_ALSO = {"", "text/plain"}


class JsonBodyParser(FlaskParser):
    """webargs' Flask parser, reading request bodies with orjson."""

    # webargs documents overriding _raw_load_json as the way to use another JSON library.
    def _raw_load_json(self, req: Any) -> Any:
        if not (is_json_request(req) or req.mimetype in JSON_ALSO):
            raise UnsupportedMediaType("must be JSON (Content-Type: application/json)")
        data = req.get_data(cache=True)
        if not data.strip():
            return core.missing
        # orjson.JSONDecodeError is a json.JSONDecodeError: webargs answers 400.
        return orjson.loads(data)
