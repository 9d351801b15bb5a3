// The floor: an Express endpoint that does only what every delivery must have done, written as
// directly as we can, with no SDK. It reads the raw body, checks Stripe's signature on those
// bytes (HMAC-SHA256, constant-time compare, 300 s tolerance), parses the event, finds the
// tenant that holds its account, and in one SQLite transaction (WAL, synchronous NORMAL, 16 KiB
// pages, as the SDK's storage) records the event id under a unique key and, the first time only,
// applies it: a completed Checkout Session marks its payment paid, a refund is stored by its id
// and added to its payment's refunded amount. What the reference server does beyond this is the
// SDK's own cost; what this costs beyond the bare endpoint, any implementation pays.
// With FLOOR_WRITE=0 it stops after finding the tenant and answers: what receiving and checking a
// delivery costs before anything is stored.
// Env: FLOOR_SECRET (the endpoint's signing secret), FLOOR_ACCOUNT (the connected account),
// FLOOR_DB (the SQLite file), FLOOR_WRITE. GET /stats answers what it recorded: events, paid payments, refunds and their sum.
import { createHmac, timingSafeEqual } from 'node:crypto';
import Database from 'better-sqlite3';
import express from 'express';

const secret = process.env.FLOOR_SECRET;
const write = process.env.FLOOR_WRITE !== '0';
const db = new Database(process.env.FLOOR_DB);
db.pragma('page_size = 16384');
db.pragma('journal_mode = WAL');
db.pragma('synchronous = NORMAL');
db.exec(`
  CREATE TABLE accounts (account_id TEXT PRIMARY KEY, tenant_id TEXT NOT NULL);
  CREATE TABLE events (tenant_id TEXT NOT NULL, event_id TEXT NOT NULL, type TEXT NOT NULL, PRIMARY KEY (tenant_id, event_id));
  CREATE TABLE payments (tenant_id TEXT NOT NULL, session_id TEXT NOT NULL, payment_intent TEXT, status TEXT NOT NULL,
    amount INTEGER NOT NULL, refunded INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (tenant_id, session_id));
  CREATE INDEX payments_intent ON payments (tenant_id, payment_intent);
  CREATE TABLE refunds (tenant_id TEXT NOT NULL, refund_id TEXT NOT NULL, payment_intent TEXT NOT NULL, amount INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, refund_id));
`);
db.prepare('INSERT INTO accounts VALUES (?, ?)').run(process.env.FLOOR_ACCOUNT, 'demo');

const tenantOf = db.prepare('SELECT tenant_id FROM accounts WHERE account_id = ?').pluck();
const record = db.prepare('INSERT OR IGNORE INTO events VALUES (?, ?, ?)');
const paid = db.prepare(`INSERT INTO payments (tenant_id, session_id, payment_intent, status, amount)
  VALUES (?, ?, ?, 'paid', ?)
  ON CONFLICT (tenant_id, session_id) DO UPDATE SET status = 'paid', payment_intent = excluded.payment_intent`);
const refund = db.prepare('INSERT OR IGNORE INTO refunds VALUES (?, ?, ?, ?)');
const refunded = db.prepare('UPDATE payments SET refunded = refunded + ? WHERE tenant_id = ? AND payment_intent = ?');
const apply = db.transaction((tenant, event) => {
  if (record.run(tenant, event.id, event.type).changes === 0) return;
  const object = event.data.object;
  if (event.type === 'checkout.session.completed') {
    paid.run(tenant, object.id, object.payment_intent, object.amount_total);
  } else if (
    event.type === 'refund.created' &&
    refund.run(tenant, object.id, object.payment_intent, object.amount).changes
  ) {
    refunded.run(object.amount, tenant, object.payment_intent);
  }
});

/** Stripe's scheme: `t=<seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`, within 300 s. */
function verified(body, header) {
  let timestamp;
  const candidates = [];
  for (const part of header.split(',')) {
    const at = part.indexOf('=');
    const [key, value] = [part.slice(0, at), part.slice(at + 1)];
    if (key === 't') timestamp = value;
    else if (key === 'v1') candidates.push(Buffer.from(value, 'hex'));
  }
  if (!timestamp || Math.abs(Date.now() / 1000 - Number(timestamp)) > 300) return false;
  const expected = createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest();
  return candidates.some((given) => given.length === expected.length && timingSafeEqual(given, expected));
}

const app = express();
app.post('/hook', express.raw({ type: 'application/json', limit: '1mb' }), (req, res) => {
  const header = req.get('stripe-signature');
  if (!header || !Buffer.isBuffer(req.body) || !verified(req.body, header)) {
    res.status(400).json({ success: false, message: 'The signature does not match.', error_code: 'BAD_SIGNATURE' });
    return;
  }
  const event = JSON.parse(req.body.toString('utf8'));
  const tenant = tenantOf.get(event.account);
  if (tenant === undefined) {
    res.status(400).json({ success: false, message: 'Unknown account.', error_code: 'UNKNOWN_ACCOUNT' });
    return;
  }
  if (write) apply(tenant, event);
  res.json({ received: true });
});
app.get('/stats', (_req, res) => {
  res.json({
    events: db.prepare('SELECT COUNT(*) FROM events').pluck().get(),
    paid: db.prepare("SELECT COUNT(*) FROM payments WHERE status = 'paid'").pluck().get(),
    refunded: db.prepare('SELECT COALESCE(SUM(refunded), 0) FROM payments').pluck().get(),
    refunds: db.prepare('SELECT COUNT(*) FROM refunds').pluck().get(),
  });
});
const server = app.listen(0, '127.0.0.1', () => {
  process.stdout.write(`listening http://127.0.0.1:${server.address().port}\n`);
});
process.once('SIGTERM', () => server.close(() => process.exit(0)));
