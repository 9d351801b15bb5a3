// A script that writes enough for the checkpoint thread to start, closes the storage and has
// nothing else to do: it must end on its own, with exit code 0, as a CLI command does.
// The built package, run by plain Node.js: a loader (tsx) would keep the process alive itself.
import { createSqliteStorage } from '../dist/index.js';

const filename = process.argv[2];
const storage = await createSqliteStorage({ filename, walCheckpoint: { thresholdBytes: 64 * 1024, intervalMs: 5 } });
await storage.transaction(async (tx) => {
  for (let index = 0; index < 2000; index += 1) {
    await tx.webhookEvents.record({
      eventId: `evt_${index}_${'x'.repeat(300)}`,
      provider: 'stripe',
      type: 'checkout.session.completed',
      account: null,
      receivedAt: '2026-01-01T00:00:00.000Z',
      processedAt: '2026-01-01T00:00:00.000Z',
    });
  }
});
// A few size checks: the log is past the threshold, so the thread starts.
await new Promise((resolve) => setTimeout(resolve, 50));
await storage.close();
process.stdout.write('closed\n');
