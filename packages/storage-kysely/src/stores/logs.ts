import type { LogLevel, LogQuery, LogRecord, LogStore, StoredLogRecord } from '@pos/integrations-core/storage';
import type { Kysely } from 'kysely';
import { readInteger } from '../numbers.js';
import type { IntegrationsDatabase } from '../schema.js';

export class KyselyLogStore implements LogStore {
  readonly #db: Kysely<IntegrationsDatabase>;

  constructor(db: Kysely<IntegrationsDatabase>) {
    this.#db = db;
  }

  async append(record: LogRecord): Promise<void> {
    await this.#db
      .insertInto('integration_logs')
      .values({
        id: record.id,
        tenant_id: record.tenantId,
        provider: record.provider,
        level: record.level,
        event: record.event,
        message: record.message,
        details: record.details === null ? null : JSON.stringify(record.details),
        created_at: record.createdAt,
      })
      .execute();
  }

  async list(query: LogQuery): Promise<StoredLogRecord[]> {
    let select = this.#db
      .selectFrom('integration_logs')
      .selectAll()
      .where('tenant_id', '=', query.tenantId)
      .where('provider', '=', query.provider);
    if (query.beforeSeq !== undefined) select = select.where('seq', '<', query.beforeSeq);
    if (query.level !== undefined) select = select.where('level', '=', query.level);
    if (query.event !== undefined) select = select.where('event', '=', query.event);
    const rows = await select.orderBy('seq', 'desc').limit(query.limit).execute();
    return rows.map((row) => ({
      seq: readInteger(row.seq),
      id: row.id,
      tenantId: row.tenant_id,
      provider: row.provider,
      level: row.level as LogLevel,
      event: row.event,
      message: row.message,
      details: row.details === null ? null : JSON.parse(row.details),
      createdAt: row.created_at,
    }));
  }
}
