"""``make lighthouse``: Lighthouse's four scores for five pages, against gunicorn.

    python -m bench.lighthouse [--write] [--preset mobile|desktop ...] [--port 8766]

Builds a fresh SQLite database with the demo data (``flask seed --seed``), starts the app with
the production gunicorn config, signs a writer in, and runs the ``lighthouse`` CLI from
node_modules (package.json) in Debian's Chromium on home, an article, its author's profile, the
editor (signed in: the session cookie goes in ``--extra-headers``) and the sign-in page, with
Lighthouse's default mobile emulation and its desktop preset. It prints each page's scores and
every audit that fails, writes the table into docs/accessibility.md with ``--write``, and exits
1 when accessibility, best practices or SEO is below 100 anywhere. Performance is timing: it is
recorded, never asserted. Each run's JSON reports stay in reports/lighthouse/.
"""

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import urllib.parse
import urllib.request
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from bench.run import gunicorn, server_env, write_docs

ROOT = Path(__file__).resolve().parent.parent
LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROME_FLAGS = (
    "--headless=new --no-sandbox --disable-gpu --disable-background-networking "
    "--disable-component-update --disable-sync --no-first-run --disable-quic"
)
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
ASSERTED = ("accessibility", "best-practices", "seo")  # deterministic; performance is timing
DOCS = ROOT / "docs" / "accessibility.md"
REPORTS = ROOT / "reports" / "lighthouse"
WRITER = ("lighthouse-writer", "lighthouse-writer@example.com", "lighthouse-password")


@dataclass(frozen=True)
class Target:
    name: str
    path: str
    signed_in: bool = False

    @property
    def shown(self) -> str:
        """The path as the docs show it: the demo data's slugs and names change."""
        return re.sub(r"^/(article|profile)/.+", r"/\1/…", self.path)


@dataclass
class Result:
    target: Target
    preset: str
    scores: dict[str, int | None]
    failures: dict[str, list[str]]  # category: one line per failing audit


def flask(env: dict[str, str], *args: str, stdin: str | None = None) -> str:
    command = [sys.executable, "-m", "flask", "--app", "wsgi", *args]
    done = subprocess.run(
        command, cwd=ROOT, env=env, input=stdin, capture_output=True, text=True, check=False
    )
    if done.returncode:
        raise SystemExit(f"flask {' '.join(args)} failed:\n{done.stdout}{done.stderr}")
    return done.stdout


def version(program: str) -> str:
    return subprocess.run([program, "--version"], capture_output=True, text=True).stdout.strip()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # noqa: ANN002, ANN003 - urllib's signature
        return None


def session_cookie(base: str) -> str:
    """Sign the writer in through the real form; the session cookie it sets."""
    opener = urllib.request.build_opener(NoRedirect)
    with opener.open(base + "/login") as response:
        page = response.read().decode()
        cookie = response.headers["Set-Cookie"].split(";", 1)[0]
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    if token is None:
        raise SystemExit("no CSRF token on /login")
    form = {"csrf_token": token.group(1), "email": WRITER[1], "password": WRITER[2]}
    request = urllib.request.Request(
        base + "/login", data=urllib.parse.urlencode(form).encode(), headers={"Cookie": cookie}
    )
    try:
        opener.open(request)
    except urllib.error.HTTPError as answer:  # the 302 after signing in
        if answer.code != 302:
            raise SystemExit(f"signing in answered {answer.code}") from None
        return answer.headers["Set-Cookie"].split(";", 1)[0]
    raise SystemExit("signing in did not redirect: wrong password?")


def targets(base: str) -> list[Target]:
    with urllib.request.urlopen(base + "/api/articles?limit=1") as response:
        article = json.load(response)["articles"][0]
    return [
        Target("home", "/"),
        Target("article", f"/article/{article['slug']}"),
        Target("profile", f"/profile/{urllib.parse.quote(article['author']['username'])}"),
        Target("editor", "/editor", signed_in=True),
        Target("login", "/login"),
    ]


def offending(audit: dict) -> str:
    """The first few items an audit names: selectors and snippets, or URLs."""
    items = (audit.get("details") or {}).get("items") or []
    if not isinstance(items, list):  # a checklist, keyed by name
        items = [{"description": key} for key, item in items.items() if not item.get("value")]
    named = []
    for item in items[:3]:
        node = item.get("node") if isinstance(item, dict) else None
        if node:
            named.append(f"{node.get('selector', '')} {node.get('snippet', '')[:120]}".strip())
        elif isinstance(item, dict):
            value = item.get("description") or item.get("url") or item.get("source") or ""
            named.append(str(value.get("url", value) if isinstance(value, dict) else value)[:200])
    more = f" (+{len(items) - 3} more)" if len(items) > 3 else ""
    return "; ".join(n for n in named if n) + more


def run_lighthouse(url: str, preset: str, cookie: str | None, name: str) -> dict:
    output = REPORTS / f"{name}-{preset}.json"
    command = [
        str(LIGHTHOUSE),
        url,
        "--output=json",
        f"--output-path={output}",
        f"--chrome-flags={CHROME_FLAGS}",
        "--quiet",
        f"--only-categories={','.join(CATEGORIES)}",
    ]
    if preset == "desktop":
        command.append("--preset=desktop")
    if cookie:
        command.append("--extra-headers=" + json.dumps({"Cookie": cookie}))
    env = os.environ | {"CHROME_PATH": CHROMIUM}
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode or not output.exists():
        raise SystemExit(f"lighthouse failed on {url}:\n{done.stdout}{done.stderr}")
    return json.loads(output.read_text())


def summarize(target: Target, preset: str, report: dict) -> Result:
    scores, failures = {}, {}
    for key in CATEGORIES:
        category = report["categories"][key]
        scores[key] = None if category["score"] is None else round(category["score"] * 100)
        lines = []
        for ref in category["auditRefs"]:
            audit = report["audits"][ref["id"]]
            mode = audit.get("scoreDisplayMode")
            if mode in ("binary", "numeric", "metricSavings") and (audit["score"] or 0) < 1:
                if audit["score"] is None:
                    continue
                if mode == "numeric" and key == "performance" and ref.get("weight", 0) == 0:
                    continue  # diagnostics without weight: noise in a table
                shown = audit.get("displayValue", "")
                lines.append(
                    f"{audit['id']} ({audit['title']}){' ' + shown if shown else ''}: "
                    f"{offending(audit)}".rstrip(": ")
                )
        failures[key] = lines
    return Result(target, preset, scores, failures)


def table(results: list[Result], versions: str) -> str:
    lines = [
        f"Measured {datetime.now(UTC):%Y-%m-%d} by `make lighthouse` ({versions}), against "
        "gunicorn with the production config on the demo data (`flask seed --seed 14`).",
        "",
        "| page | preset | performance | accessibility | best practices | SEO |",
        "|---|---|---|---|---|---|",
    ]
    for result in results:
        cells = [str(result.scores[key]) for key in CATEGORIES]
        page = f"{result.target.name} (`{result.target.shown}`)"
        lines.append(f"| {page} | {result.preset} | " + " | ".join(cells) + " |")
    failing = [(r, key, line) for r in results for key in ASSERTED for line in r.failures[key]]
    if failing:
        lines += ["", "Failing audits (accessibility, best practices, SEO):", ""]
        for result, key, line in failing:
            lines.append(f"- {result.target.name}, {result.preset}, {key}: {line}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--preset", action="append", choices=("mobile", "desktop"))
    parser.add_argument("--write", action="store_true", help="write docs/accessibility.md")
    args = parser.parse_args()
    presets = args.preset or ["mobile", "desktop"]
    if not LIGHTHOUSE.exists():
        raise SystemExit(f"{LIGHTHOUSE} is missing: npm ci (make lighthouse does it)")

    workdir = Path(tempfile.mkdtemp(prefix="conduit-lighthouse-"))
    REPORTS.mkdir(parents=True, exist_ok=True)
    env = server_env(f"sqlite:///{workdir / 'lighthouse.db'}", None, args.port, workdir)
    env["LOG_LEVEL"] = "WARNING"
    flask(env, "db", "upgrade")
    flask(env, "seed", "--seed", "14")
    flask(env, "users", "create", "--username", WRITER[0], "--email", WRITER[1],
          "--password-stdin", stdin=WRITER[2] + "\n")  # fmt: skip

    versions = f"{version(CHROMIUM)}, Lighthouse {version(str(LIGHTHOUSE))}"
    results: list[Result] = []
    with gunicorn("wsgi:app", env, workdir) as (base, _):
        cookie = session_cookie(base)
        for target in targets(base):
            for preset in presets:
                report = run_lighthouse(
                    base + target.path, preset, cookie if target.signed_in else None, target.name
                )
                result = summarize(target, preset, report)
                results.append(result)
                scores = "  ".join(f"{k} {v}" for k, v in result.scores.items())
                print(f"{target.name:8} {preset:8} {scores}", flush=True)
                for key in CATEGORIES:
                    for line in result.failures[key]:
                        print(f"    {key}: {line}", flush=True)

    section = table(results, versions)
    if args.write:
        write_docs("lighthouse", section, DOCS)
        print(f"written to {DOCS.relative_to(ROOT)}")
    low = [
        f"{r.target.name} ({r.preset}) {key} {r.scores[key]}"
        for r in results
        for key in ASSERTED
        if r.scores[key] != 100
    ]
    if low:
        print("Below 100: " + ", ".join(low))
        raise SystemExit(1)


if __name__ == "__main__":
    main()
