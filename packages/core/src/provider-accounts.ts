import type { Connector } from './connectors.js';
import { IntegrationError } from './errors.js';
import type { IntegrationStorage, IsoTime, JsonObject } from './storage/port.js';

/**
 * Links the provider account the new credentials open to the tenant, inside the caller's
 * transaction (the one that writes the credentials), so a refusal stores nothing. Throws the
 * connector's in-use error (409) when another tenant holds the account. Connectors without an
 * account rule are left alone.
 */
export async function linkProviderAccount(
  tx: IntegrationStorage,
  connector: Connector,
  tenantId: string,
  publicData: JsonObject,
  now: IsoTime,
): Promise<void> {
  const rule = connector.account;
  if (!rule) return;
  const accountId = rule.accountId(publicData);
  const owner = await tx.providerAccounts.claim({
    provider: connector.id,
    accountId,
    tenantId,
    createdAt: now,
    ...(rule.details ? { details: rule.details(publicData) } : {}),
  });
  if (owner === tenantId) return;
  if (owner === undefined) {
    throw new IntegrationError(
      'CONFLICT',
      `Another ${connector.displayName} connection of this account was saved at the same moment. Try again.`,
      { status: 409 },
    );
  }
  throw new IntegrationError(
    rule.inUseCode,
    `This ${rule.label} is already connected to another account on this server. Disconnect it there first, or connect a different ${rule.label}.`,
    { status: 409, details: { provider: connector.id } },
  );
}

/**
 * Whether the tenant holds the provider account its credentials open, and so may revoke the
 * platform's access at the provider (which ends that access for everyone using the account).
 * True for connectors without an account rule.
 */
export async function holdsProviderAccount(
  storage: IntegrationStorage,
  connector: Connector,
  tenantId: string,
  publicData: JsonObject,
): Promise<boolean> {
  const rule = connector.account;
  if (!rule) return true;
  return (await storage.providerAccounts.owner(connector.id, rule.accountId(publicData))) === tenantId;
}
