import type { Batches, Cipher, Connector, Integrations, OutboundOptions } from '@pos/integrations-core';
import type { CommandContext } from './command.js';
import { describeLocation, openStorage, requireDatabase } from './database.js';
import { UsageError } from './usage.js';

export const TENANT_OPTION = {
  type: 'string',
  short: 't',
  value: 'id',
  description: 'the tenant (merchant) the rows belong to; required',
} as const;

/** What a command that reads stored credentials adds to the Data Manager's wiring. */
export interface ProviderWiring {
  /** The server's key ring, which opens the stored credentials. */
  cipher: Cipher;
  /** The connectors beside Supabase, configured as the server configures them. */
  connectors: Connector[];
  outbound?: OutboundOptions;
}

/**
 * The Data Manager over the database, wired like a full server: an import queues its rows for a
 * tenant's connected Supabase project as an upload through the API would. Without `wiring` no
 * credential is read or written, so the key ring is a throwaway one.
 */
export async function openDataManager(
  context: CommandContext,
  wiring?: ProviderWiring,
): Promise<{ integrations: Integrations; batches: Batches; tenant: string }> {
  const tenant = context.values.tenant;
  if (typeof tenant !== 'string' || tenant.trim() === '') throw new UsageError('--tenant <id> is required.');
  requireDatabase(context.location);
  const [{ createIntegrations, createKeyRing, generateEncryptionKey }, { supabase }] = await Promise.all([
    import('@pos/integrations-core'),
    import('@pos/connector-supabase'),
  ]);
  const integrations = createIntegrations({
    storage: await openStorage(context.location, { migrate: true }),
    cipher: wiring?.cipher ?? createKeyRing({ keys: [{ key: generateEncryptionKey() }] }),
    connectors: [supabase(), ...(wiring?.connectors ?? [])],
    ...(wiring?.outbound ? { outbound: wiring.outbound } : {}),
  });
  if (!integrations.batches) {
    await integrations.close();
    throw new UsageError(
      `The storage for ${describeLocation(context.location)} cannot bulk-load the Data Manager's tables, so it offers no entity types to import or export.`,
    );
  }
  return { integrations, batches: integrations.batches, tenant: tenant.trim() };
}

/** An entity type the Data Manager knows, or a usage error that lists them. */
export function requireEntity(batches: Batches, entity: string | undefined): string {
  const known = batches.entities.list().map((definition) => definition.type);
  if (!entity) throw new UsageError(`Name the entity type: ${known.join(' or ')}.`);
  if (!known.includes(entity)) throw new UsageError(`Unknown entity type "${entity}": use ${known.join(' or ')}.`);
  return entity;
}
