/**
 * Error codes beyond the generic ones live with the connector that answers them: it declares each
 * with its HTTP status and what it means ({@link declareErrorCodes}), and core registers the
 * declarations of the configured connectors ({@link ErrorCodeRegistry}).
 */
import type { Connector } from './connectors.js';
import { ERROR_STATUS, IntegrationError, type IntegrationErrorOptions } from './errors.js';

/** One declared code: the status it is answered with and what it means, for docs and people. */
export interface ErrorCodeInfo {
  status: number;
  meaning: string;
}

export type ErrorCodeTable<C extends string = string> = Readonly<Record<C, ErrorCodeInfo>>;

/** A connector's codes and the way to throw them with their declared status. */
export interface DeclaredErrorCodes<C extends string> {
  readonly table: ErrorCodeTable<C>;
  /** An {@link IntegrationError} with the code's declared status. */
  error(code: C, message: string, options?: Omit<IntegrationErrorOptions, 'status'>): IntegrationError;
}

/** `EXAMPLE_INVALID_KEY`: upper-case letters, digits and underscores. */
const CODE_NAME = /^[A-Z][A-Z0-9_]*$/;

/**
 * Declares a connector's own codes. Pass `table` as the connector's `errorCodes`, and throw them
 * with `error(code, message, options)`, which gives each its declared status.
 */
export function declareErrorCodes<const T extends Record<string, ErrorCodeInfo>>(
  table: T,
): DeclaredErrorCodes<keyof T & string> {
  const declared: ErrorCodeTable<keyof T & string> = table;
  return {
    table: declared,
    error: (code, message, options = {}) =>
      new IntegrationError(code, message, { ...options, status: declared[code].status }),
  };
}

/** What core answers a connector's role codes with, whatever the connector declares. */
function roleCodes(connector: Connector): Array<[code: string | undefined, status: number, role: string]> {
  const roles: Array<[string | undefined, number, string]> = [
    [connector.notConnectedCode, 409, 'notConnectedCode'],
    [connector.account?.inUseCode, 409, 'account.inUseCode'],
  ];
  if (connector.kind === 'oauth') {
    roles.push(
      [connector.stateInvalidCode, 400, 'stateInvalidCode'],
      [connector.oauthFailedCode, 400, 'oauthFailedCode'],
      [connector.tokenExpiredCode, 409, 'tokenExpiredCode'],
    );
  }
  return roles;
}

function refuse(message: string): never {
  throw new IntegrationError('VALIDATION_FAILED', message);
}

/**
 * The codes an instance answers with: core's generic ones ({@link ERROR_STATUS}) and those its
 * connectors declare. Refuses, when the instance is created, a declared code that is not upper
 * case, that redefines a generic code or another connector's with another status, and a code a
 * connector names for a role (`stateInvalidCode`, …) that it does not declare with the status
 * core answers that role with.
 */
export class ErrorCodeRegistry {
  readonly #status = new Map<string, number>(Object.entries(ERROR_STATUS));
  readonly #declared = new Map<string, ErrorCodeInfo & { provider: string }>();

  constructor(connectors: readonly Connector[]) {
    for (const connector of connectors) {
      const table: ErrorCodeTable = connector.errorCodes ?? {};
      for (const [code, info] of Object.entries(table)) {
        if (!CODE_NAME.test(code))
          refuse(`The connector "${connector.id}" declares the error code "${code}": use upper case.`);
        const known = this.#status.get(code);
        const other = this.#declared.get(code);
        if (known !== undefined && (!other || known !== info.status)) {
          refuse(`The connector "${connector.id}" declares "${code}", which is already answered with ${known}.`);
        }
        this.#status.set(code, info.status);
        this.#declared.set(code, { ...info, provider: connector.id });
      }
      if (connector.errorCodes === undefined) continue;
      for (const [code, status, role] of roleCodes(connector)) {
        if (code === undefined || this.#status.get(code) === status) continue;
        refuse(`The connector "${connector.id}" names "${code}" as its ${role}: declare it with status ${status}.`);
      }
    }
  }

  /** The status a code is answered with, if the instance knows it. */
  status(code: string): number | undefined {
    return this.#status.get(code);
  }

  /** Every known code: the generic ones, then the declared ones. */
  codes(): string[] {
    return [...this.#status.keys()];
  }

  /** A connector's declared code with its status, meaning and provider; undefined for generic codes. */
  declared(code: string): (ErrorCodeInfo & { provider: string }) | undefined {
    return this.#declared.get(code);
  }
}
