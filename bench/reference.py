"""The ceiling: bare Flask returning a fixed JSON body of the size of our article list.

Run under the same gunicorn config as Conduit: ``gunicorn -c gunicorn.conf.py bench.reference:app``.
"""

import os

from flask import Flask, Response

app = Flask(__name__)
BODY = (
    b'{"articles":[],"padding":"'
    + b"x" * max(0, int(os.environ.get("BENCH_BODY_BYTES", "8192")) - 30)
    + b'"}'
)


@app.get("/")
def fixed() -> Response:
    return Response(BODY, mimetype="application/json")
