export { supabaseErrors } from './errors.js';
export { authHeaders, deleteFilters, isJwt, postgrestTarget } from './postgrest.js';
export {
  DEFAULT_SUPABASE_TABLES,
  type SupabaseCredentialsInput,
  type SupabaseOptions,
  type SupabasePublicData,
  type SupabaseSecret,
  supabase,
  supabaseCredentialsSchema,
  supabaseFromEnv,
} from './supabase.js';
