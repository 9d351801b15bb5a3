/** A value, or a function read on every call (e.g. a URL known only once a server listens). */
export type Lazy<T> = T | (() => T);

/** The value now: calls a function, returns anything else as it is. */
export function resolveLazy<T>(value: Lazy<T>): T {
  return typeof value === 'function' ? (value as () => T)() : value;
}

/** A base URL read now, without its trailing slash, ready for `${base}${path}`. */
export function resolveBase(value: Lazy<string>): string {
  return resolveLazy(value).replace(/\/$/, '');
}
