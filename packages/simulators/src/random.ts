import { randomBytes } from 'node:crypto';

/** Letters and digits only, like the providers' own ids and tokens. */
export const random = (bytes = 18) => randomBytes(bytes).toString('base64url').replace(/[-_]/g, 'x');
