// gorgias-mcp-server 2.0.0 has no HTTP mode of its own (its bin is stdio only):
// its README's "Programmatic Usage, Express / Node.js" example is how it is served
// over streamable HTTP, and this is that example (one McpServer and transport per
// MCP session, sessions kept in a Map), with the access level from
// GORGIAS_ACCESS_LEVEL and the port from argv, and one fix: the README stores the
// session before handleRequest, when transport.sessionId is still undefined (it is
// set while the initialize request is handled), so no session would ever be found
// again; here it is stored after. Started by bench.py.
import express from "express";
import { randomUUID } from "node:crypto";
import { createGorgiasServer } from "gorgias-mcp-server";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";

const port = Number(process.argv[2]);
const app = express();
app.use(express.json());

const sessions = new Map();

app.post("/mcp", async (req, res) => {
  const sessionId = req.headers["mcp-session-id"];
  if (sessionId && sessions.has(sessionId)) {
    await sessions.get(sessionId).handleRequest(req, res, req.body);
    return;
  }
  const server = createGorgiasServer({
    domain: process.env.GORGIAS_DOMAIN,
    email: process.env.GORGIAS_EMAIL,
    apiKey: process.env.GORGIAS_API_KEY,
    accessLevel: process.env.GORGIAS_ACCESS_LEVEL || "agent",
  });
  const transport = new StreamableHTTPServerTransport({
    sessionIdGenerator: () => randomUUID(),
  });
  transport.onclose = () => {
    if (transport.sessionId) sessions.delete(transport.sessionId);
  };
  await server.connect(transport);
  await transport.handleRequest(req, res, req.body);
  if (transport.sessionId) sessions.set(transport.sessionId, transport);
});

app.listen(port, "127.0.0.1", () => console.error(`listening on 127.0.0.1:${port}`));
