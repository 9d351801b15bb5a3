#!/usr/bin/env node
// Serves this folder's pages and the prebuilt web component bundles, and forwards /api/* to a
// POS Integrations server, so the pages and the API share one origin (as behind a reverse proxy).
//
//   npm run demo                                   # the reference server on :3000, in another terminal
//   node examples/embed/serve.mjs                  # then open http://127.0.0.1:8080/
//
// PORT (default 8080), HOST (127.0.0.1) and POS_API_URL (http://127.0.0.1:3000) change the defaults.
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, request } from 'node:http';
import { dirname, extname, isAbsolute, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
// The package's dist/browser folder, wherever npm put it.
const bundles = dirname(fileURLToPath(import.meta.resolve('@pos/web-components/browser')));
const api = new URL(process.env.POS_API_URL ?? 'http://127.0.0.1:3000');
const types = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.map': 'application/json',
};

/**
 * A file under `dir` for a URL path, never outside it: compared by whole path segments, so a
 * sibling folder whose name starts the same (`embed-old` beside `embed`) is outside too.
 */
function fileIn(dir, path) {
  let decoded;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    return undefined;
  }
  const file = join(dir, decoded);
  const inside = relative(dir, file);
  if (inside === '' || inside === '..' || inside.startsWith(`..${sep}`) || isAbsolute(inside)) return undefined;
  return existsSync(file) && statSync(file).isFile() ? file : undefined;
}

/**
 * Forwards a request to the configured API origin and nowhere else. The target is resolved
 * against that origin; a target that names another server (`//host/…`, `/\host/…`,
 * `http://host/…`) is refused, since the request carries the user's `Authorization`.
 */
function forward(req, res, target) {
  const upstream = request(
    target,
    {
      method: req.method,
      headers: {
        ...req.headers,
        host: api.host,
        'x-forwarded-host': req.headers.host ?? '',
        'x-forwarded-proto': 'http',
        'x-forwarded-for': req.socket.remoteAddress ?? '',
      },
    },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    },
  );
  upstream.on('error', () => {
    if (!res.headersSent) res.writeHead(502, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ success: false, message: `${api.origin} is not answering.`, error_code: 'BAD_GATEWAY' }));
  });
  req.pipe(upstream);
}

const server = createServer((req, res) => {
  let target;
  try {
    target = new URL(req.url ?? '/', api);
  } catch {
    target = undefined;
  }
  if (target?.origin !== api.origin || !req.url?.startsWith('/')) {
    res.writeHead(400, { 'content-type': 'text/plain' }).end('Bad request target');
    return;
  }
  const { pathname } = target;
  if (pathname.startsWith('/api/')) return forward(req, res, target);
  const file = pathname.startsWith('/bundles/')
    ? fileIn(bundles, pathname.slice('/bundles/'.length))
    : fileIn(here, pathname === '/' ? 'index.html' : pathname.slice(1));
  if (!file || !(extname(file) in types)) {
    res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found');
    return;
  }
  res.writeHead(200, { 'content-type': types[extname(file)], 'cache-control': 'no-cache' });
  createReadStream(file).pipe(res);
});

server.listen(Number(process.env.PORT ?? 8080), process.env.HOST ?? '127.0.0.1', () => {
  const { address, port } = server.address();
  console.log(`Embed example on http://${address}:${port}/ (API forwarded to ${api.origin})`);
});
for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => server.close(() => process.exit(0)));
