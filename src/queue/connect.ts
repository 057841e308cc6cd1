/**
 * Opening the study queue: one quick probe of the Redis server named by --queue (reachable, the
 * password accepted, a version BullMQ supports) before any work, so that a wrong address is one
 * line and exit status 2, not a worker retrying forever in the background. Only then are BullMQ
 * and ioredis handed the address, with their usual reconnecting connections (a Redis restart
 * later is waited out, not an error).
 *
 * bullmq and ioredis are imported here, on demand: the local sweep and every other command never
 * load them (~0.4 s) and work without them or a Redis server.
 */
import type * as BullMQ from 'bullmq';
import { UserError } from '../util/errors.js';
import type { QueueAddress } from './address.js';

/** Every study goes through one queue of this name, so a worker serves whichever study has runs waiting. */
export const QUEUE_NAME = 'genlab-sweep';

export interface OpenedQueue {
  bullmq: typeof BullMQ;
  /** For BullMQ's Queue and Worker: reconnects for ever, never fails a command for lack of a connection. */
  connection: BullMQ.RedisOptions;
  address: QueueAddress;
  /** How the server keeps its data across a restart, e.g. "append-only file (fsync everysec)". */
  persistence: string;
}

function redisOptions(a: QueueAddress): BullMQ.RedisOptions {
  return { host: a.host, port: a.port, db: a.db, username: a.username, password: a.password, ...(a.tls ? { tls: {} } : {}) };
}

/** "ECONNREFUSED", "WRONGPASS ...": the first line of what ioredis said. */
function reason(e: unknown): string {
  const msg = (e as Error)?.message?.split('\n')[0] ?? String(e);
  return msg.replace(/^connect /, '');
}

/** Probes the server, then loads BullMQ. `timeoutMs` bounds the probe's connection attempt. */
export async function openQueue(address: QueueAddress, timeoutMs = 5000): Promise<OpenedQueue> {
  const { Redis } = await import('ioredis');
  const probe = new Redis({ ...redisOptions(address), lazyConnect: true, connectTimeout: timeoutMs, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false });
  // connect() fails with "Connection is closed."; the reason (ECONNREFUSED, ENOTFOUND, ...) comes as an 'error' event.
  let cause: unknown;
  probe.on('error', (e: unknown) => (cause ??= e));
  let persistence = 'unknown (CONFIG GET is not allowed on this server)';
  try {
    await probe.connect();
    const info = await probe.info('server');
    const version = /redis_version:(\S+)/.exec(info)?.[1] ?? '0';
    if (Number(version.split('.')[0]) < 5) throw new UserError(`--queue ${address.shown}: Redis ${version} is too old; BullMQ needs Redis 5 or later (6.2+ recommended)`);
    try {
      const [, aof] = (await probe.config('GET', 'appendonly')) as string[];
      const [, fsync] = (await probe.config('GET', 'appendfsync')) as string[];
      const [, save] = (await probe.config('GET', 'save')) as string[];
      persistence = aof === 'yes' ? `append-only file (appendfsync ${fsync})` : save ? `snapshots only (save "${save}"; a crash loses what came after the last one)` : 'none (a restart loses the queue)';
    } catch {
      // managed servers often refuse CONFIG; the queue still works
    }
  } catch (e) {
    if (e instanceof UserError) throw e;
    throw new UserError(`--queue ${address.shown}: cannot reach Redis (${reason(cause ?? e)})`);
  } finally {
    probe.disconnect();
  }
  const bullmq = await import('bullmq');
  return { bullmq, connection: { ...redisOptions(address), maxRetriesPerRequest: null }, address, persistence };
}
