"""JSON through orjson: fast to write, and strict to read (no lone surrogates, bounded nesting,
integers that fit 64 bits), so odd input is a clean 400 rather than a crash further in."""

from typing import Any

import orjson
from flask.json.provider import DefaultJSONProvider
from webargs import core
from webargs.flaskparser import FlaskParser, is_json_request


class OrjsonProvider(DefaultJSONProvider):
    def dumps(self, obj: Any, **kwargs: Any) -> str:
        option = orjson.OPT_NON_STR_KEYS | (orjson.OPT_SORT_KEYS if self.sort_keys else 0)
        return orjson.dumps(obj, default=self.default, option=option).decode()

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        return orjson.loads(s)


class JsonBodyParser(FlaskParser):
    """webargs' Flask parser, reading request bodies with orjson."""

    def _raw_load_json(self, req: Any) -> Any:
        if not is_json_request(req):
            return core.missing
        data = req.get_data(cache=True)
        if not data.strip():
            return core.missing
        # orjson.JSONDecodeError is a json.JSONDecodeError: webargs answers 400.
        return orjson.loads(data)
