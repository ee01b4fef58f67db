"""The Python SDK's clients against the connector at MCP_URL.

`python py_client.py handshake` uses `streamable_http_client` + `ClientSession.initialize`;
`python py_client.py discover` uses the high-level `mcp.client.Client`, which
tries `server/discover` (2026-07-28) first. Each lists the tools, calls each of
MCP_CALLS (a JSON array of [name, arguments]) and the failing MCP_FAILING call,
checks every successful structuredContent against the tool's outputSchema
(jsonschema, Draft 2020-12); lists the prompts, gets each of MCP_PROMPTS (a
JSON array of [name, arguments]) and the bad MCP_BAD_PROMPT, whose JSON-RPC
error it reports; and prints one JSON summary line.
"""

import asyncio
import json
import os
import sys

import jsonschema
from mcp import ClientSession
from mcp.client import Client
from mcp.client.streamable_http import streamable_http_client
from mcp.shared.exceptions import MCPError

URL = os.environ["MCP_URL"]
CALLS = json.loads(os.environ["MCP_CALLS"])
FAIL_NAME, FAIL_ARGS = json.loads(os.environ["MCP_FAILING"])
PROMPTS = json.loads(os.environ["MCP_PROMPTS"])
BAD_PROMPT_NAME, BAD_PROMPT_ARGS = json.loads(os.environ["MCP_BAD_PROMPT"])


def dump(model):
    return model.model_dump(by_alias=True, mode="json", exclude_none=True)


async def exercise(session, version, server_info, client_name):
    tools = (await session.list_tools()).tools
    schemas = {t.name: t.output_schema for t in tools}
    results = {}
    for name, args in CALLS:
        r = await session.call_tool(name, args)
        if not r.is_error:
            jsonschema.Draft202012Validator(schemas[name]).validate(r.structured_content)
        results[name] = dump(r)
    failed = await session.call_tool(FAIL_NAME, FAIL_ARGS)
    if failed.structured_content is not None:
        # 2026-07-28: the error body, which the tool's outputSchema admits too.
        jsonschema.Draft202012Validator(schemas[FAIL_NAME]).validate(failed.structured_content)
    failure = dump(failed)
    prompts = (await session.list_prompts()).prompts
    prompt_results = {name: dump(await session.get_prompt(name, args)) for name, args in PROMPTS}
    try:
        bad = await session.get_prompt(BAD_PROMPT_NAME, BAD_PROMPT_ARGS)
        raise AssertionError(f"a bad prompt argument was answered: {dump(bad)}")
    except MCPError as e:
        prompt_error = {"code": e.code, "message": e.message}
    return {
        "client": client_name,
        "protocolVersion": version,
        "serverInfo": dump(server_info) if server_info else None,
        "tools": [t.name for t in tools],
        "results": results,
        "failure": failure,
        "prompts": [p.name for p in prompts],
        "promptResults": prompt_results,
        "promptError": prompt_error,
    }


async def handshake():
    async with streamable_http_client(URL) as streams:
        async with ClientSession(streams[0], streams[1]) as session:
            init = await session.initialize()
            return await exercise(session, init.protocol_version, init.server_info, "python-sdk handshake")


async def discover():
    async with Client(URL) as client:
        return await exercise(client, client.protocol_version, client.server_info, "python-sdk discover-first")


mode = sys.argv[1]
summary = asyncio.run({"handshake": handshake, "discover": discover}[mode]())
print(json.dumps(summary))
