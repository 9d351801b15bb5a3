import { declareErrorCodes } from '@pos/integrations-core/connector';

/** Supabase's own error codes; the connector declares them to core as its `errorCodes`. */
export const supabaseErrors = declareErrorCodes({
  SUPABASE_INVALID_CREDENTIALS: {
    status: 400,
    meaning: 'Supabase refused the key, or it is not a secret or service_role key',
  },
  SUPABASE_NOT_CONNECTED: { status: 409, meaning: 'no Supabase project connected' },
  SUPABASE_SYNC_REJECTED: { status: 422, meaning: 'Supabase refused rows of a push (logged per row)' },
});
