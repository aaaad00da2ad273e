"""The Dagster webserver as `impact serve` starts it: Dagster's own, behind a guard that refuses GraphQL writes
any web page could send.

    python -m pipelines.defs.webserver_guard -m pipelines.defs.definitions -h 127.0.0.1 -p 3000
    (the arguments of `dagster-webserver`)

Why: Dagster 1.13's `/graphql` runs whatever a GET's `query` parameter holds, mutations included (launch a
run, stop the inbox sensor, wipe an asset), and reads a POST's body as JSON whenever its Content-Type merely
contains `application/json`. A page the operator opens in a browser can send either to 127.0.0.1 without
any CORS preflight (an <img> or a link for GET; a form or `fetch(..., {mode: 'no-cors'})` with
`text/plain; application/json` for POST). Dagster's only switch, `--read-only`, turns off every mutation, the
UI's own buttons too. The guard, an ASGI wrapper around Dagster's app, refuses instead:
- a GET (or a POST without a JSON or GraphQL body) to `/graphql` whose document has any operation but a
  query: 405, one line;
- a POST whose media type is not exactly `application/json` or `application/graphql`: 415 (what the
  browser can send across sites without asking; the UI and every GraphQL client send JSON);
- any POST (GraphQL, or the `report_asset_*` endpoints) carrying an `Origin` that is not the server's own
  (the `Host` it was reached by): 403. Browsers send `Origin` with every cross-site POST; scripts and curl
  send none. Behind a reverse proxy, pass the `Host` header through.
Queries over GET keep working (GraphiQL, links); the UI is unchanged. The guard is tested against a real
webserver (tests/reliability/test_faults_dagster_ui.py).
"""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlsplit

import graphql

ALLOWED_POST_TYPES = ("application/json", "application/graphql")


def _headers(scope: dict) -> dict[str, str]:
    return {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}


def only_queries(document: str) -> bool:
    """True when every operation of the GraphQL document is a query. A document that does not parse is
    left to Dagster (which refuses it too: it parses with the same graphql-core)."""
    try:
        parsed = graphql.parse(document)
    except graphql.GraphQLError:
        return True
    return all(
        d.operation == graphql.OperationType.QUERY
        for d in parsed.definitions
        if isinstance(d, graphql.OperationDefinitionNode)
    )


def refusal(scope: dict) -> tuple[int, str] | None:
    """(HTTP status, one-line reason) when the request must not reach Dagster, else None."""
    if scope["type"] != "http" or scope["method"] not in ("GET", "POST"):
        return None
    headers = _headers(scope)
    path = scope["path"].rstrip("/")
    if scope["method"] == "POST":
        origin = headers.get("origin")
        if origin is not None and (origin == "null" or urlsplit(origin).netloc != headers.get("host")):
            return 403, f"refused: a POST from another origin ({origin}) cannot reach the Dagster API"
        if not path.endswith("/graphql"):
            return None
        media = headers.get("content-type", "").split(";")[0].strip().lower()
        if media not in ALLOWED_POST_TYPES:
            return 415, "refused: GraphQL over POST takes only application/json or application/graphql bodies"
        return None
    if not path.endswith("/graphql"):
        return None
    query = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("query")
    if query and not all(only_queries(q) for q in query):
        return 405, "refused: GraphQL mutations are not run over GET; send them as a POST with a JSON body"
    return None


class GraphQLGuard:
    """ASGI wrapper: refuses what `refusal` names with a plain-text answer, passes the rest to `app`
    (HTTP, websockets and lifespan alike)."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        refused = refusal(scope)
        if refused is None:
            await self.app(scope, receive, send)
            return
        status, reason = refused
        body = json.dumps({"errors": [{"message": reason}]}).encode()
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})


def main() -> None:
    """`dagster-webserver` with every app it creates wrapped in GraphQLGuard. Raises AttributeError at start
    if a Dagster upgrade moved the app factory (the guard test then fails too)."""
    from dagster_webserver import cli

    create = cli.create_app_from_workspace_process_context

    def create_guarded(*args, **kwargs):
        return GraphQLGuard(create(*args, **kwargs))

    cli.create_app_from_workspace_process_context = create_guarded
    cli.main()


if __name__ == "__main__":
    main()
