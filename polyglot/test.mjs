// Calls the connector's typed WIT exports (`gorgias:connector/tickets` and
// `gorgias:connector/customers`) from JavaScript through the module that
// `jco transpile` generated into ./generated, against a Gorgias-shaped server.
//
// Run by `cargo test --locked --test polyglot` (which builds and transpiles the
// component and starts the fake Gorgias), or by hand: see README.md,
// "Calling it from JavaScript (jco)".
//
// jco mapping used below: kebab-case names become camelCase, `u64` is a
// BigInt, `option<T>` is `T | undefined`, a variant is `{ tag, val }`,
// `result<T, error>` returns `T` or throws a ComponentError whose `payload`
// is the `error` variant
// `{ tag: 'not-found', val: { status, message, fieldErrors, retryable } }`.
// WIT 0.3.0: every function takes `(conn, request)`, the request record
// being the route's body (`{ ticketId: 12345n }`), and returns the route's
// answer as a record (`{ ticket }`, `{ customers }`, `{ success }`).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { _setEnv } from '@bytecodealliance/preview2-shim/cli';
import { tickets, customers } from './generated/gorgias_connector.js';

for (const name of ['GORGIAS_BASE_URL', 'GORGIAS_ACCOUNT', 'GORGIAS_EMAIL', 'GORGIAS_API_KEY']) {
  if (!process.env[name]) {
    throw new Error(`${name} is not set: point it at a Gorgias-shaped server (see README.md)`);
  }
}

// preview2-shim hands the whole `process.env` to the guest by default. Give
// the component an empty environment, so its only configuration channel is
// the `wasi:config/store` shim (config-store.js) and nothing else leaks in.
_setEnv({});

// `connection` is a variant: `api-key` (email + key) or `access-token` (OAuth).
const conn = {
  tag: 'api-key',
  val: {
    account: process.env.GORGIAS_ACCOUNT,
    email: process.env.GORGIAS_EMAIL,
    apiKey: process.env.GORGIAS_API_KEY,
  },
};

/** Runs `f`, expects it to throw the connector's `error` variant, returns the payload. */
function connectorError(f) {
  let thrown;
  assert.throws(f, (e) => {
    thrown = e;
    return true;
  });
  assert.ok(thrown instanceof Error, `expected an Error, got ${thrown}`);
  assert.ok(Object.hasOwn(thrown, 'payload'), `expected a ComponentError, got ${thrown.stack}`);
  return thrown.payload;
}

test('get-ticket returns the flattened ticket record', () => {
  const { ticket: t } = tickets.getTicket(conn, { ticketId: 12345n });
  assert.equal(t.id, 12345n);
  assert.equal(typeof t.id, 'bigint');
  assert.equal(t.subject, "Order hasn't shipped yet");
  assert.equal(t.status, 'open');
  assert.equal(t.channel, 'email');
  assert.equal(t.priority, 'normal');
  assert.equal(t.customerId, 98765n);
  assert.equal(t.assigneeUserId, 4567n);
  assert.equal(t.assigneeTeamId, 77n);
  assert.deepEqual(t.tags, [{ id: 13n, name: 'shipping' }]);
});

test('search-tickets pages with next-cursor until none', () => {
  const request = { customerId: 98765n, orderBy: 'updated_datetime:desc', limit: 1 };
  const first = tickets.searchTickets(conn, request);
  assert.deepEqual(first.tickets.map((t) => t.id), [12346n]);
  assert.equal(first.nextCursor, 'cur-1');

  const second = tickets.searchTickets(conn, { ...request, cursor: first.nextCursor });
  assert.deepEqual(second.tickets.map((t) => t.id), [12345n]);
  assert.equal(second.nextCursor, undefined);
});

test('find-customer-by-email returns customer records, or an empty list', () => {
  const found = customers.findCustomerByEmail(conn, { email: 'customer@example.com' }).customers;
  assert.equal(found.length, 1);
  assert.equal(found[0].id, 98765n);
  assert.equal(found[0].name, 'Jane Doe');
  assert.equal(found[0].externalId, 'shopify-98765');
  assert.deepEqual(customers.findCustomerByEmail(conn, { email: 'nobody@example.com' }), { customers: [] });
});

test('get-ticket-messages returns nested records: attachments, option<bool>, u64 sizes', () => {
  const page = tickets.getTicketMessages(conn, { ticketId: 12345n, limit: 2 });
  assert.equal(page.nextCursor, undefined);
  // Oldest first (order_by=created_datetime:asc).
  assert.deepEqual(page.messages.map((m) => m.id), [5001n, 5002n]);
  const [first, note] = page.messages;
  assert.equal(note.channel, 'internal-note');
  assert.equal(note.public, false);
  assert.equal(note.fromAgent, true);
  assert.equal(note.senderType, 'user');
  assert.deepEqual(note.attachments, []);
  assert.equal(first.ticketId, 12345n);
  assert.equal(first.senderId, 98765n);
  assert.equal(first.senderType, 'customer');
  assert.deepEqual(first.attachments, [
    {
      url: 'https://uploads.gorgias.example/receipt-1042.pdf',
      name: 'receipt-1042.pdf',
      contentType: 'application/pdf',
      size: 48213n,
      public: true,
    },
  ]);

  const { tags } = tickets.listTicketTags(conn, { ticketId: 12345n });
  assert.deepEqual(tags, [{ id: 13n, name: 'shipping', description: 'Shipping questions', color: '#0693e3' }]);
});

test('errors are the typed error variant', () => {
  const notFound = connectorError(() => tickets.getTicket(conn, { ticketId: 999n }));
  assert.deepEqual(notFound, {
    tag: 'not-found',
    val: {
      status: 404,
      message: 'get-ticket: gorgias answered 404: Resource not found.',
      fieldErrors: [],
      retryable: false,
    },
  });

  // Invalid input names the field and is rejected before anything is sent.
  assert.deepEqual(connectorError(() => tickets.getTicket(conn, { ticketId: 0n })), {
    tag: 'invalid-input',
    val: { field: 'ticketId', message: 'must be a positive integer' },
  });
  assert.deepEqual(connectorError(() => tickets.searchTickets(conn, { limit: 101 })), {
    tag: 'invalid-input',
    val: { field: 'limit', message: 'must be between 1 and 100; got 101' },
  });
  // Omitted `option` fields are `none` and `keep` leaves an assignee out:
  // an update with no change is refused.
  const keep = { tag: 'keep' };
  const nothing = connectorError(() =>
    tickets.updateTicket(conn, { ticketId: 12345n, assigneeUserId: keep, assigneeTeamId: keep }),
  );
  assert.equal(nothing.tag, 'invalid-input');
  assert.match(nothing.val.message, /^nothing to update/);

  // Wrong credentials: Gorgias's 401, and the key never appears in the error.
  const unauthorized = connectorError(() =>
    tickets.getTicket({ tag: 'api-key', val: { ...conn.val, apiKey: 'wrong-key-from-js' } }, { ticketId: 12345n }),
  );
  assert.equal(unauthorized.tag, 'unauthorized');
  assert.equal(unauthorized.val.status, 401);
  assert.equal(unauthorized.val.retryable, false);
  assert.ok(!JSON.stringify(unauthorized).includes('wrong-key-from-js'));

  // jco converts u64 arguments with BigInt(): a Number is accepted, but a
  // value BigInt() rejects throws on the JS side and never reaches the component.
  assert.throws(() => tickets.getTicket(conn, { ticketId: 1.5 }), RangeError);
  assert.throws(() => tickets.getTicket(conn, { ticketId: 'twelve' }), SyntaxError);
});

test('add-internal-note and add-ticket-tags write through the component', () => {
  const note = tickets.addInternalNote(conn, {
    ticketId: 12345n,
    senderUserId: 4567n,
    bodyText: 'Customer called: wants express shipping (from JavaScript).',
  });
  assert.equal(note.ticketId, 12345n);
  assert.equal(typeof note.messageId, 'bigint');
  assert.ok(note.messageId > 0n);

  const added = tickets.addTicketTags(conn, { ticketId: 12347n, tagNames: ['vip', 'from-js'], tagIds: [] });
  assert.deepEqual(added, { success: true });
  const names = tickets.listTicketTags(conn, { ticketId: 12347n }).tags.map((t) => t.name);
  assert.deepEqual(names, ['vip', 'from-js']);
});

test('create-ticket, update-ticket and reply-to-ticket return their records', () => {
  const created = tickets.createTicket(conn, {
    channel: 'chat',
    customerId: 98765n,
    fromAgent: true,
    subject: 'Follow-up from JavaScript',
    bodyText: 'We shipped it.',
    senderUserId: 4567n,
    status: 'closed',
  });
  assert.equal(typeof created.ticketId, 'bigint');
  assert.equal(created.status, 'closed');
  assert.equal(created.channel, 'chat');

  // `assignment`: `keep` leaves the key out, `unassign` sends null, `assign` the ID.
  const updated = tickets.updateTicket(conn, {
    ticketId: created.ticketId,
    priority: 'low',
    assigneeUserId: { tag: 'unassign' },
    assigneeTeamId: { tag: 'assign', val: 78n },
  });
  assert.equal(updated.ticketId, created.ticketId);
  assert.equal(updated.priority, 'low');
  assert.equal(updated.assigneeUserId, undefined);
  assert.equal(updated.assigneeTeamId, 78n);

  const reply = tickets.replyToTicket(conn, {
    ticketId: 12345n,
    channel: 'email',
    senderUserId: 4567n,
    bodyHtml: '<p>Reshipped.</p>',
    fromEmail: 'support@yourstore.com',
    toEmail: 'customer@example.com',
    toName: 'Jane Doe',
  });
  assert.equal(reply.ticketId, 12345n);
  assert.equal(reply.channel, 'email');
  assert.equal(reply.public, true);
  assert.equal(typeof reply.messageId, 'bigint');
});
