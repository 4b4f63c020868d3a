import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';

/**
 * Helpers of the fault tests (stores and the reference server under an outage): a Redis server of a
 * test's own — a spare loopback port and an append-only file in the test's directory, so that freezing
 * (SIGSTOP), resuming and restarting it never disturbs the shared service on 6379 that other tests use —
 * and timing helpers for "fails fast, then recovers by itself".
 */

/** The `redis-server` binary, or `null` when it is not installed (the caller skips, or fails under CI). */
export function redisServerBinary(): string | null {
  try {
    return execFileSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' }).trim() || null;
  } catch {
    return null;
  }
}

/** A loopback port nothing listens on right now. */
export async function sparePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Retries `attempt` until it resolves, for at most `withinMs`; returns the value and how long it took. */
export async function eventually<T>(attempt: () => Promise<T>, withinMs: number): Promise<{ value: T; afterMs: number }> {
  const startedAt = performance.now();
  for (;;) {
    try {
      return { value: await attempt(), afterMs: performance.now() - startedAt };
    } catch (error) {
      if (performance.now() - startedAt > withinMs) throw error;
      await sleep(50);
    }
  }
}

/** Runs `operation` and returns how long it took to reject; fails the test if it resolved. */
export async function rejectionTime(operation: () => Promise<unknown>): Promise<{ error: unknown; ms: number }> {
  const startedAt = performance.now();
  try {
    await operation();
  } catch (error) {
    return { error, ms: performance.now() - startedAt };
  }
  throw new Error('the operation succeeded while its store was unreachable');
}

/** Whether the Redis at `url` answers PING within a second. */
export async function redisReachable(url: string): Promise<boolean> {
  const probe = new Redis(url, { lazyConnect: true, retryStrategy: () => null, connectTimeout: 1000, enableOfflineQueue: false });
  probe.on('error', () => {});
  try {
    await probe.connect();
    return (await probe.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    probe.disconnect();
  }
}

export interface PrivateRedis {
  readonly port: number;
  readonly url: string;
  /** SIGSTOP: unreachable without losing anything. */
  freeze(): void;
  /** SIGCONT. */
  resume(): void;
  /** SIGTERM and wait; the append-only file keeps what was written. */
  stop(): Promise<void>;
  /** Starts it again on the same port and directory, resolving once it answers PING. */
  start(): Promise<void>;
  /** Whatever state it is in: resumed, then killed. For `afterAll`. */
  kill(): void;
}

export async function startPrivateRedis(binary: string, dir: string): Promise<PrivateRedis> {
  const port = await sparePort();
  let child: ChildProcess | undefined;

  async function start(): Promise<void> {
    child = spawn(binary, ['--port', String(port), '--bind', '127.0.0.1', '--appendonly', 'yes', '--dir', dir, '--save', ''], { stdio: 'ignore' });
    const probe = new Redis({ port, host: '127.0.0.1', lazyConnect: true, retryStrategy: () => null, enableOfflineQueue: false });
    probe.on('error', () => {});
    await eventually(async () => {
      if (probe.status !== 'ready') await probe.connect();
      return probe.ping();
    }, 5000).finally(() => probe.disconnect());
  }

  await start();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    freeze: () => void child?.kill('SIGSTOP'),
    resume: () => void child?.kill('SIGCONT'),
    async stop() {
      const running = child;
      child = undefined;
      if (!running || running.exitCode !== null) return;
      const exited = new Promise((resolve) => running.once('exit', resolve));
      running.kill('SIGCONT');
      running.kill('SIGTERM');
      await exited;
    },
    start,
    kill() {
      if (child && child.exitCode === null) {
        child.kill('SIGCONT');
        child.kill('SIGKILL');
      }
    },
  };
}
