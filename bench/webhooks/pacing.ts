/**
 * The open-loop sender of `during-import.ts`: deliveries leave at a steady rate whatever the
 * server is doing, and each one's latency counts from when it was due; and the figures taken
 * from them (percentiles, deliveries over the target, the server's longest silence).
 */
import http from 'node:http';
import { type Delivery, WEBHOOK_PATH } from './shared.js';

/** The target: p99 during the import on SQLite. */
export const TARGET_P99_MS = 100;

export interface Sent {
  /** When the delivery was due, ms on this process's clock. */
  due: number;
  /** When it left (later than due only if this process's event loop was late). */
  sentAt: number;
  /** When its answer had been read, or NaN. */
  answered: number;
  status: number;
  order: string;
  /** A failed delivery's answer or error, to say why. */
  failure?: string;
}

/**
 * Sends `list` at `rate` a second, open loop: each delivery leaves when due whatever the earlier
 * ones are doing (up to 512 connections), and its latency counts from when it was due. Stops
 * after the list, or when `until` settles (then the list is sent again as long as needed).
 */
export async function paced(url: string, list: Delivery[], rate: number, until?: Promise<unknown>): Promise<Sent[]> {
  const target = new URL(url);
  // No Nagle: a delivery's headers and body are written apart, and the second write would wait for a delayed ACK.
  const agent = new http.Agent({ keepAlive: true, maxSockets: 512, noDelay: true });
  const sent: Sent[] = [];
  let stopped = false;
  void until?.then(() => {
    stopped = true;
  });
  const answers: Array<Promise<void>> = [];
  const started = performance.now();
  const send = (due: number, delivery: Delivery) => {
    const record: Sent = { due, sentAt: performance.now(), answered: Number.NaN, status: 0, order: delivery.order };
    sent.push(record);
    answers.push(
      new Promise<void>((resolve) => {
        const request = http.request(
          {
            host: target.hostname,
            port: target.port,
            path: WEBHOOK_PATH,
            method: 'POST',
            agent,
            headers: {
              'content-type': 'application/json; charset=utf-8',
              'content-length': Buffer.byteLength(delivery.body),
              'stripe-signature': delivery.signature,
            },
          },
          (response) => {
            let body = '';
            response.setEncoding('utf8');
            response.on('data', (chunk: string) => {
              body += chunk;
            });
            response.on('end', () => {
              record.answered = performance.now();
              record.status = response.statusCode ?? 0;
              if (record.status < 200 || record.status > 299) record.failure = `${record.status} ${body.slice(0, 300)}`;
              resolve();
            });
          },
        );
        request.on('error', (error) => {
          record.failure = `${error.message}${request.reusedSocket ? ' on a reused connection' : ' on a new connection'}`;
          resolve();
        });
        request.end(delivery.body);
      }),
    );
  };
  await new Promise<void>((resolve) => {
    let next = 0;
    const tick = () => {
      const now = performance.now();
      for (let due = started + (next * 1000) / rate; due <= now; due = started + (next * 1000) / rate) {
        if (until ? stopped : next >= list.length) return resolve();
        send(due, list[next % list.length] as Delivery);
        next += 1;
      }
      setTimeout(tick, 1);
    };
    tick();
  });
  await Promise.all(answers);
  agent.destroy();
  return sent;
}

export interface Figures {
  count: number;
  p50: number;
  p99: number;
  max: number;
  over: number;
  failed: number;
  /** The longest time between two answers while deliveries were waiting: the server's longest stop seen from outside. */
  gap: number;
  /** How late, at the most, this process sent a delivery (its own event loop's lag, counted in the latencies). */
  late: number;
}

export function figures(sent: Sent[]): Figures {
  const latencies = sent
    .filter((record) => record.status !== 0)
    .map((record) => record.answered - record.due)
    .sort((a, b) => a - b);
  const rank = (p: number) => latencies[Math.min(latencies.length - 1, Math.ceil(p * latencies.length) - 1)] ?? 0;
  const answered = sent
    .map((record) => record.answered)
    .filter((time) => !Number.isNaN(time))
    .sort((a, b) => a - b);
  let gap = 0;
  for (let index = 1; index < answered.length; index += 1)
    gap = Math.max(gap, (answered[index] as number) - (answered[index - 1] as number));
  return {
    count: sent.length,
    p50: rank(0.5),
    p99: rank(0.99),
    max: latencies.at(-1) ?? 0,
    over: latencies.filter((latency) => latency > TARGET_P99_MS).length,
    failed: sent.filter((record) => record.status < 200 || record.status > 299).length,
    gap,
    late: Math.max(0, ...sent.map((record) => record.sentAt - record.due)),
  };
}

export const ms = (value: number) => `${value.toFixed(value < 10 ? 1 : 0)} ms`;
export function line(label: string, result: Figures) {
  return (
    `${label.padEnd(26)} ${String(result.count).padStart(6)} deliveries  p50 ${ms(result.p50).padStart(8)}  ` +
    `p99 ${ms(result.p99).padStart(8)}  max ${ms(result.max).padStart(8)}  > ${TARGET_P99_MS} ms: ${result.over}  ` +
    `longest silence ${ms(result.gap)}  sent late ≤ ${ms(result.late)}  non-2xx or refused: ${result.failed}`
  );
}
