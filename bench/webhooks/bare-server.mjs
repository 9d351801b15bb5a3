// The baseline: a bare Express endpoint that only answers 200, on loopback like the server.
import express from 'express';

const app = express();
app.post('/hook', (_req, res) => {
  res.sendStatus(200);
});
const server = app.listen(0, '127.0.0.1', () => {
  process.stdout.write(`listening http://127.0.0.1:${server.address().port}\n`);
});
process.once('SIGTERM', () => server.close(() => process.exit(0)));
