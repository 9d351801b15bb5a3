// Child process: a simulated Square seller with a generated catalogue of N variations on a
// loopback port, answering as fast as it can. Prints `{ "base": … }` once listening; exits when
// its parent closes stdin. Kept out of the importing process, so that process's RSS is the import's.
import { createServer } from 'node:http';
import { createSquareSimulator, generatedSquareCatalogue, nodeListener, SQUARE_LOCATION_ID } from '@pos/simulators';

const count = Number(process.argv[2]);
const started = performance.now();
const catalogue = generatedSquareCatalogue(count, SQUARE_LOCATION_ID);
const generatedSeconds = (performance.now() - started) / 1000;
const server = createServer(nodeListener(createSquareSimulator({ catalogue })));
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address();
  console.log(JSON.stringify({ base: `http://127.0.0.1:${port}`, generatedSeconds, skus: catalogue.skus.length }));
});
process.stdin.resume();
process.stdin.on('end', () => server.close(() => process.exit(0)));
