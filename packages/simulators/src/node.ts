import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Simulator } from './exchange.js';

/** Express sets `baseUrl` to where a handler is mounted; a bare Node.js server leaves it unset. */
type NodeRequest = IncomingMessage & { baseUrl?: string };

/**
 * A simulator as a Node.js request listener, for `http.createServer(listener)` or Express's
 * `app.use('/prefix', listener)`. Paths the simulator does not know go to Express's `next`, or
 * get a 404 on a bare server. The body is read here, so no body parser may run before it. The
 * listener carries the simulator's `routes`, so a route listing of the host app can show them.
 */
export function nodeListener(simulated: Simulator) {
  const listener = async (req: NodeRequest, res: ServerResponse, next?: (error?: unknown) => void): Promise<void> => {
    try {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const encrypted = (req.socket as { encrypted?: boolean }).encrypted === true;
      const origin = `${encrypted ? 'https' : 'http'}://${req.headers.host ?? 'localhost'}`;
      const url = new URL(req.url ?? '/', origin);
      const answer = await simulated.handle({
        method: req.method ?? 'GET',
        path: url.pathname,
        query: url.searchParams,
        headers: {
          get(name) {
            const value = req.headers[name.toLowerCase()];
            return Array.isArray(value) ? value.join(', ') : (value ?? null);
          },
        },
        body: Buffer.concat(chunks).toString('utf8'),
        root: `${origin}${req.baseUrl ?? ''}`,
      });
      if (!answer) {
        if (next) return next();
        res.writeHead(404, { 'content-type': 'application/json; charset=utf-8', 'x-simulated': simulated.name });
        res.end(JSON.stringify({ message: `The ${simulated.name} simulator has no ${req.method} ${url.pathname}.` }));
        return;
      }
      res.writeHead(answer.status, answer.headers);
      res.end(answer.body);
    } catch (error) {
      if (next) return next(error);
      res.writeHead(500).end();
    }
  };
  return Object.assign(listener, { routes: simulated.routes });
}
