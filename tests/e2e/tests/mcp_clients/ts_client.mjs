// The TypeScript SDK's client (Streamable HTTP, initialize handshake) against
// the connector at MCP_URL: lists the tools, calls each of MCP_CALLS (a JSON
// array of [name, arguments]) and the failing MCP_FAILING call, checks every
// successful structuredContent against the tool's outputSchema with Ajv
// (JSON Schema 2020-12); lists the prompts, gets each of MCP_PROMPTS (a JSON
// array of [name, arguments]) and the bad MCP_BAD_PROMPT, whose JSON-RPC error it
// reports; and prints one JSON summary line for tests/mcp_clients.rs.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { McpError } from "@modelcontextprotocol/sdk/types.js";
import Ajv2020 from "ajv/dist/2020.js";

const calls = JSON.parse(process.env.MCP_CALLS);
const [failName, failArgs] = JSON.parse(process.env.MCP_FAILING);
const promptCalls = JSON.parse(process.env.MCP_PROMPTS);
const [badPromptName, badPromptArgs] = JSON.parse(process.env.MCP_BAD_PROMPT);
const transport = new StreamableHTTPClientTransport(new URL(process.env.MCP_URL));
const client = new Client({ name: "gorgias-connector-test (typescript-sdk)", version: "1.0.0" });
await client.connect(transport);

const { tools } = await client.listTools();
const ajv = new Ajv2020({ strict: false });
const results = {};
for (const [name, args] of calls) {
  // callTool itself also validates structuredContent against outputSchema.
  const r = await client.callTool({ name, arguments: args });
  const tool = tools.find((t) => t.name === name);
  const validate = ajv.compile(tool.outputSchema);
  if (!r.isError && !validate(r.structuredContent)) {
    throw new Error(`${name}: structuredContent does not match outputSchema: ${ajv.errorsText(validate.errors)}`);
  }
  results[name] = r;
}
const failure = await client.callTool({ name: failName, arguments: failArgs });
if (failure.structuredContent !== undefined) {
  const validate = ajv.compile(tools.find((t) => t.name === failName).outputSchema);
  if (!validate(failure.structuredContent)) throw new Error(`error structuredContent: ${ajv.errorsText(validate.errors)}`);
}
const { prompts } = await client.listPrompts();
const promptResults = {};
for (const [name, args] of promptCalls) {
  promptResults[name] = await client.getPrompt({ name, arguments: args });
}
let promptError = null;
try {
  const r = await client.getPrompt({ name: badPromptName, arguments: badPromptArgs });
  throw new Error(`a bad prompt argument was answered: ${JSON.stringify(r)}`);
} catch (e) {
  if (!(e instanceof McpError)) throw e;
  promptError = { code: e.code, message: e.message };
}
console.log(
  JSON.stringify({
    client: "typescript-sdk",
    protocolVersion: transport.protocolVersion,
    serverInfo: client.getServerVersion(),
    tools: tools.map((t) => t.name),
    results,
    failure,
    prompts: prompts.map((p) => p.name),
    promptResults,
    promptError,
  }),
);
await client.close();
