import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** How the receiver answers one request: a status, or no answer at all until it closes. */
export type ReceiverAnswer = number | 'hang';

export interface ReceivedEvent {
  headers: IncomingHttpHeaders;
  body: string;
  /** What the receiver answered. */
  answer: ReceiverAnswer;
}

export interface EventReceiver {
  url: string;
  /** `host:port`, for `outbound.allowedPrivateHosts`. */
  hostPort: string;
  received: ReceivedEvent[];
  /** The answers for the next requests, in order; after them it answers `then`. */
  script(answers: ReceiverAnswer[], then?: ReceiverAnswer): void;
  close(): Promise<void>;
}

/**
 * A real HTTP server that receives event deliveries on loopback and answers as scripted (500s,
 * silence, then 204), recording every request with its exact body.
 */
export function startEventReceiver(): Promise<EventReceiver> {
  let queue: ReceiverAnswer[] = [];
  let fallback: ReceiverAnswer = 204;
  const received: ReceivedEvent[] = [];
  const hanging = new Set<ServerResponse>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const answer = queue.shift() ?? fallback;
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), answer });
      if (answer === 'hang') {
        hanging.add(res);
        return;
      }
      res.writeHead(answer, { 'content-type': 'text/plain' }).end(answer < 300 ? 'ok' : 'not now');
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}/pos-events`,
        hostPort: `127.0.0.1:${port}`,
        received,
        script(answers, then = 204) {
          queue = [...answers];
          fallback = then;
        },
        close: () =>
          new Promise<void>((done) => {
            for (const res of hanging) res.destroy();
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}
