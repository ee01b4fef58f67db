// The connector imports `wasi:config/store@0.2.0-draft-2024-09-27` (Spin's
// configuration interface). Node has no such host interface, so `jco transpile
// --map 'wasi:config/store@0.2.0-draft-2024-09-27=../config-store.js'` wires the
// import to this module instead.
//
// Each configuration key is read from the environment in upper case, the same
// convention as `cargo run --example serve`: `gorgias_base_url` from
// GORGIAS_BASE_URL, `gorgias_account` from GORGIAS_ACCOUNT, and so on. Keys that
// are not set (or empty) are `none`.
//
// jco calling convention: `result<T, error>` is returned as `T` on success and
// thrown as `{ tag: 'upstream' | 'io', val: string }` on failure; `option<T>` is
// `T | undefined`.

/** The configuration keys the connector reads (see src/config.rs). */
export const KEYS = [
  'gorgias_account',
  'gorgias_email',
  'gorgias_api_key',
  'gorgias_base_url',
  'connector_token',
  'retry_max_attempts',
  'retry_max_wait_seconds',
  'read_only',
  'upstream_connect_timeout_seconds',
  'upstream_first_byte_timeout_seconds',
  'upstream_between_bytes_timeout_seconds',
];

function lookup(key) {
  const value = process.env[key.toUpperCase()];
  return value === undefined || value === '' ? undefined : value;
}

/** `get: func(key: string) -> result<option<string>, error>` */
export function get(key) {
  if (typeof key !== 'string') {
    throw { tag: 'io', val: 'key must be a string' };
  }
  return lookup(key);
}

/** `get-all: func() -> result<list<tuple<string, string>>, error>` */
export function getAll() {
  return KEYS.flatMap((key) => {
    const value = lookup(key);
    return value === undefined ? [] : [[key, value]];
  });
}
