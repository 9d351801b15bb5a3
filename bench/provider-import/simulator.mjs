// Child process: a simulated Square seller with a generated catalogue of N variations on a
// loopback port, answering as fast as it can, or each response after a delay of L ms when given
// (`simulator.mjs N [L]`: a provider's page latency). Prints `{ "base": … }` once listening; exits when
// its parent closes stdin. Kept out of the importing process, so that process's RSS is the import's.
import { createServer } from 'node:http';
import { createSquareSimulator, generatedSquareCatalogue, nodeListener, SQUARE_LOCATION_ID } from '@pos/simulators';

const count = Number(process.argv[2]);
const latencyMs = Number(process.argv[3] ?? 0);
const started = performance.now();
const catalogue = generatedSquareCatalogue(count, SQUARE_LOCATION_ID);
const generatedSeconds = (performance.now() - started) / 1000;
const listener = nodeListener(createSquareSimulator({ catalogue }));
const server = createServer(
  latencyMs > 0 ? (request, response) => setTimeout(() => listener(request, response), latencyMs) : listener,
);
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address();
  console.log(JSON.stringify({ base: `http://127.0.0.1:${port}`, generatedSeconds, skus: catalogue.skus.length }));
});
process.stdin.resume();
process.stdin.on('end', () => server.close(() => process.exit(0)));
