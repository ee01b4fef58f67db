// The README's example: call the connector's typed exports from Node.
// Needs GORGIAS_BASE_URL (optional against the real Gorgias), GORGIAS_ACCOUNT,
// GORGIAS_EMAIL and GORGIAS_API_KEY in the environment; see README.md.
import { tickets } from './generated/gorgias_connector.js';

// `connection` is a variant: `api-key` (email + key) or `access-token` (OAuth).
const conn = {
  tag: 'api-key',
  val: {
    account: process.env.GORGIAS_ACCOUNT,
    email: process.env.GORGIAS_EMAIL,
    apiKey: process.env.GORGIAS_API_KEY,
  },
};

// Each function takes the route's body as a record; u64 fields are BigInts.
const { ticket: t } = tickets.getTicket(conn, { ticketId: 12345n });
console.log(`ticket ${t.id}: ${t.subject} (${t.status}, customer ${t.customerId}n)`);

// `result<_, error>` failures throw; `e.payload` is the WIT `error` variant.
try {
  tickets.getTicket(conn, { ticketId: 999n });
} catch (e) {
  console.log(`ticket 999: ${e.payload.tag}, status ${e.payload.val.status}`);
}
