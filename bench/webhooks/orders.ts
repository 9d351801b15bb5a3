/**
 * What the webhook bench sends and checks: all-distinct orders (run.ts), or, with
 * `BENCH_ORDERS=<n>`, refunds concentrated on n orders (here). In that mode the n orders'
 * sessions are paid during the warm-up, each session naming its PaymentIntent `pi_bench_<k>`;
 * the measured events are Stripe `refund.created` events of one cent each, spread evenly over
 * the n payments, each signed with the SDK and delivered one to three times, shuffled. The check
 * reads the SQLite database: every payment counts each refund sent for it exactly once.
 */
import Database from 'better-sqlite3';
import { type Created, type Delivery, deliveries, shuffle, signedEvent } from './shared.js';

/** What the warm-up adds, what each round sends, and how the run is checked. */
export interface Workload {
  /** The mode, as the summary line names it. */
  label: string;
  /** Deliveries sent after the warm-up sessions' ones, before measuring. */
  warmUp(): Delivery[];
  /** Round `round`'s deliveries (signed now: the signatures must be fresh) and how many distinct events they carry. */
  round(round: number): { list: Delivery[]; events: number };
  /** Reads the database once every round has run: the lines to print, whether every check passed, and what passing means. */
  check(database: string): Promise<{ lines: string[]; ok: boolean; passed: string }>;
}

/** Orders are `BENCH-<k>`; their sessions name the PaymentIntent `pi_bench_<k>`. */
const indexOf = (payment: Created) => Number(payment.order_id.slice(payment.order_id.lastIndexOf('-') + 1));
const paymentRef = (payment: Created) => `pi_bench_${indexOf(payment)}`;

interface PaymentRow {
  order_id: string;
  status: string;
  payment_ref: string | null;
  refunded_amount: number;
  webhook_events: string;
}

interface RefundRow {
  provider_refund_id: string;
  payment_id: string | null;
  order_id: string | null;
  amount: number;
  status: string;
}

/**
 * `events` one-cent refunds over the payments `created` (opened for orders `BENCH-0..n-1`), in
 * `rounds` rounds; `warmSessions` is how many other sessions the warm-up settles (their event ids
 * are counted too).
 */
export function refundsOnOrders(options: {
  created: Created[];
  account: string;
  events: number;
  rounds: number;
  warmSessions: number;
}): Workload {
  const { account, events, warmSessions } = options;
  const orders = [...options.created].sort((a, b) => indexOf(a) - indexOf(b));
  const perOrder = Math.ceil(events / orders.length);
  // A payment refunded in full would become `refunded`: each one's refunds stay below its amount.
  const smallest = Math.min(...orders.map((payment) => payment.amount));
  if (perOrder >= smallest) {
    throw new Error(`${events} one-cent refunds over ${orders.length} orders reach a payment's amount (${smallest})`);
  }
  const perRound = Math.ceil(events / options.rounds);
  /** Distinct refund events sent, by order id. */
  const sent = new Map<string, number>();
  let next = 0;

  return {
    label: `${orders.length} orders, refund events`,
    warmUp: () => deliveries(orders, account, paymentRef),
    round(round) {
      const list: Delivery[] = [];
      const end = Math.min(events, (round + 1) * perRound);
      const first = next;
      for (; next < end; next += 1) {
        // Event j refunds order j mod n: the orders take turns, their counts differ by one at most.
        const payment = orders[next % orders.length] as Created;
        const event = signedEvent(`evt_bench_refund_${next}`, 'refund.created', account, {
          id: `re_bench_${next}`,
          object: 'refund',
          amount: 1,
          currency: payment.currency,
          status: 'succeeded',
          payment_intent: paymentRef(payment),
          metadata: { tenant_id: 'demo', order_id: payment.order_id, payment_id: payment.payment_id },
        });
        sent.set(payment.order_id, (sent.get(payment.order_id) ?? 0) + 1);
        const copies = 1 + (next % 3);
        for (let copy = 0; copy < copies; copy += 1) list.push({ ...event, order: payment.order_id });
      }
      return { list: shuffle(list), events: next - first };
    },
    async check(database) {
      const db = new Database(database, { readonly: true });
      const payments = db
        .prepare(
          "select order_id, status, payment_ref, refunded_amount, webhook_events from payments where tenant_id = 'demo'",
        )
        .all() as PaymentRow[];
      const refunds = db
        .prepare(
          "select provider_refund_id, payment_id, order_id, amount, status from payment_refunds where provider_refund_id like 're_bench_%'",
        )
        .all() as RefundRow[];
      const recorded = (
        db.prepare("select count(*) as n from webhook_events where event_id like 'evt_bench_%'").get() as { n: number }
      ).n;
      db.close();

      const byOrder = new Map(payments.map((row) => [row.order_id, row]));
      const rowsByRefund = new Map<string, RefundRow[]>();
      for (const row of refunds) {
        rowsByRefund.set(row.provider_refund_id, [...(rowsByRefund.get(row.provider_refund_id) ?? []), row]);
      }
      const wrong = { payments: 0, status: 0, amount: 0, ref: 0 };
      let doubled = 0;
      for (const payment of orders) {
        const row = byOrder.get(payment.order_id);
        const count = sent.get(payment.order_id) ?? 0;
        // What the code sets: `partially_refunded` while part of the amount is refunded, `paid` while none is.
        const status = row?.status === (count > 0 ? 'partially_refunded' : 'paid');
        const amount = Number(row?.refunded_amount) === count;
        const ref = row?.payment_ref === paymentRef(payment);
        if (!status) wrong.status += 1;
        if (!amount) wrong.amount += 1;
        if (!ref) wrong.ref += 1;
        if (!(status && amount && ref)) wrong.payments += 1;
        // An event id twice in the trail (which keeps the newest entries) was applied twice.
        const trail = JSON.parse(row?.webhook_events ?? '[]') as Array<{ event_id: string }>;
        if (new Set(trail.map((entry) => entry.event_id)).size !== trail.length) doubled += 1;
      }
      let missing = 0;
      let refundsDoubled = 0;
      let misplaced = 0;
      for (let index = 0; index < next; index += 1) {
        const payment = orders[index % orders.length] as Created;
        const rows = rowsByRefund.get(`re_bench_${index}`) ?? [];
        if (rows.length === 0) missing += 1;
        if (rows.length > 1) refundsDoubled += 1;
        const ownRow = (row: RefundRow) =>
          row.payment_id === payment.payment_id &&
          row.order_id === payment.order_id &&
          Number(row.amount) === 1 &&
          row.status === 'succeeded';
        if (!rows.every(ownRow)) misplaced += 1;
      }
      const distinct = warmSessions + orders.length + next;
      const counts = orders.map((payment) => sent.get(payment.order_id) ?? 0);
      const fewest = Math.min(...counts);
      const most = Math.max(...counts);
      return {
        lines: [
          `payments as expected: ${orders.length - wrong.payments} of ${orders.length} (${fewest === most ? most : `${fewest}–${most}`} cents refunded each; wrong status ${wrong.status}, refunded amount ${wrong.amount}, payment_ref ${wrong.ref})`,
          `refunds recorded:     ${next - missing} of ${next} sent (missing ${missing}, more than one row ${refundsDoubled}, on the wrong payment ${misplaced})`,
          `applied more than once: ${doubled}`,
          `event ids recorded:    ${recorded} of ${distinct} distinct`,
        ],
        ok:
          wrong.payments === 0 &&
          missing === 0 &&
          refundsDoubled === 0 &&
          misplaced === 0 &&
          doubled === 0 &&
          recorded === distinct,
        passed: 'every refund counted once on its payment, every event applied exactly once',
      };
    },
  };
}
