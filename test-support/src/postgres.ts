import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

export interface PostgresCluster {
  /** `postgres://postgres@127.0.0.1:<port>/postgres` (trust authentication on loopback). */
  url: string;
  port: number;
  /** A URL for another database of this cluster, created on demand by {@link createDatabase}. */
  urlFor(database: string): string;
  createDatabase(name: string): void;
  /** Creates an empty database with a name not used before in this cluster and returns its URL. */
  freshDatabase(): string;
  stop(): void;
}

const isRoot = process.getuid?.() === 0;

function postgresBinDir(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((name) => existsSync(join(root, name, 'bin', 'initdb')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  const newest = versions[0];
  if (newest) return join(root, newest, 'bin');
  if (!isRoot) {
    throw new Error(
      "PostgreSQL is not installed. Install Debian's server package first: sudo apt-get install -y postgresql",
    );
  }
  execFileSync('apt-get', ['update'], { stdio: 'ignore' });
  execFileSync('apt-get', ['install', '-y', '--no-install-recommends', 'postgresql'], {
    stdio: 'ignore',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  return postgresBinDir();
}

/** PostgreSQL refuses to run as root: as root, run its tools as the `postgres` user. */
function run(bin: string, args: string[]): void {
  const [command, commandArgs] = isRoot ? ['runuser', ['-u', 'postgres', '--', bin, ...args]] : [bin, args];
  const result = spawnSync(command, commandArgs, { encoding: 'utf8' });
  if (result.status !== 0) {
    throw new Error(`${bin} ${args.join(' ')} failed:\n${result.stdout}\n${result.stderr}`);
  }
}

/** A port nothing listens on right now, on loopback. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/**
 * A throwaway PostgreSQL cluster in a temp folder on a free loopback port, tuned for tests
 * (no fsync). Installs Debian's `postgresql` when it is missing and we are root.
 */
export async function startPostgresCluster(): Promise<PostgresCluster> {
  const bin = postgresBinDir();
  const dir = mkdtempSync(join(tmpdir(), 'pos-pg-'));
  if (isRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    chownSync(dir, uid, gid);
  }
  const data = join(dir, 'data');
  run(join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C', '--no-sync']);
  const port = await freePort();
  const options = [
    `-p ${port}`,
    `-k ${dir}`,
    '-c listen_addresses=127.0.0.1',
    '-c fsync=off',
    '-c synchronous_commit=off',
    '-c full_page_writes=off',
    '-c max_connections=200',
  ].join(' ');
  run(join(bin, 'pg_ctl'), ['-D', data, '-o', options, '-l', join(dir, 'postgres.log'), '-w', 'start']);
  const urlFor = (database: string) => `postgres://postgres@127.0.0.1:${port}/${database}`;
  const createDatabase = (name: string) =>
    run(join(bin, 'createdb'), ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', name]);
  let databases = 0;
  return {
    url: urlFor('postgres'),
    port,
    urlFor,
    createDatabase,
    freshDatabase() {
      databases += 1;
      const name = `pos_test_${databases}`;
      createDatabase(name);
      return urlFor(name);
    },
    stop() {
      try {
        run(join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

/** The advisory lock Kysely's migrator holds on PostgreSQL while it migrates (its PostgresAdapter). */
export const KYSELY_MIGRATION_LOCK_ID = '3853314791062309107';

export interface HeldMigrationLock {
  /** How many other sessions of the database are waiting for an advisory lock right now. */
  waiting(): Promise<number>;
  release(): Promise<void>;
}

/**
 * Takes the migration lock of the database at `url` as another instance would, so a test can
 * line up instances behind it and watch them wait.
 */
export async function holdMigrationLock(url: string): Promise<HeldMigrationLock> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query(`select pg_advisory_lock(${KYSELY_MIGRATION_LOCK_ID})`);
  return {
    async waiting() {
      const { rows } = await client.query<{ waiting: string }>(
        "select count(*) as waiting from pg_stat_activity where wait_event_type = 'Lock' and wait_event = 'advisory' and datname = current_database()",
      );
      return Number(rows[0]?.waiting);
    },
    async release() {
      await client.query(`select pg_advisory_unlock(${KYSELY_MIGRATION_LOCK_ID})`);
      await client.end();
    },
  };
}
