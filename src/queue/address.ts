/**
 * The `--queue` option: where the Redis server holding a study's job queue is.
 *
 *   redis://HOST[:PORT][/DB]            plain TCP, port 6379 and database 0 by default
 *   redis://[USER]:PASSWORD@HOST:PORT   with Redis AUTH (USER for Redis 6 ACLs)
 *   rediss://HOST:PORT                  over TLS
 *
 * Anything else is a one-line UserError naming --queue, before any connection is tried.
 */
import { UserError } from '../util/errors.js';

export interface QueueAddress {
  host: string;
  port: number;
  db: number;
  username?: string;
  password?: string;
  tls: boolean;
  /** The address for messages and logs, without the password. */
  shown: string;
}

export function parseQueueAddress(text: string): QueueAddress {
  const bad = (why: string): never => {
    throw new UserError(`--queue ${text}: ${why}; write redis://HOST:PORT (e.g. redis://127.0.0.1:6379)`);
  };
  if (text.trim() === '') bad('empty address');
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) bad('no scheme in front of it');
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return bad('not a URL');
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') bad(`the scheme must be redis:// or rediss://, not ${url.protocol}//`);
  if (!url.hostname) bad('no host');
  if (url.search || url.hash) bad('a queue address takes no ?query or #fragment');
  const path = url.pathname.replace(/^\//, '');
  if (path !== '' && !/^\d+$/.test(path)) bad(`the path names a database by its number (/0, /1, ...), not /${path}`);
  const port = url.port === '' ? 6379 : Number(url.port);
  if (port === 0) bad('port 0 is not a port a server listens on');
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1'); // IPv6 literals come bracketed
  const db = path === '' ? 0 : Number(path);
  const username = url.username ? decodeURIComponent(url.username) : undefined;
  const password = url.password ? decodeURIComponent(url.password) : undefined;
  const shown = `${url.protocol}//${username ? `${url.username}@` : ''}${url.hostname}:${port}${db ? `/${db}` : ''}`;
  return { host, port, db, username, password, tls: url.protocol === 'rediss:', shown };
}
