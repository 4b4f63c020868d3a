/**
 * A counting semaphore with a FIFO queue. It bounds how many password hashes run at once: argon2 at
 * OWASP strength takes 19 MiB and tens of milliseconds of a libuv thread each, and libuv has only four
 * threads by default, shared with `fs`, `dns.lookup` and `zlib`. Without a bound, a burst of logins
 * would occupy all of them and stall every other request (DESIGN.md "Passwords").
 */
export interface Semaphore {
  /** Runs `task` once a slot is free; waiting callers are served first come, first served. */
  run<T>(task: () => Promise<T>): Promise<T>;
  /** Tasks running now (never more than the limit). */
  readonly active: number;
  /** Tasks waiting for a slot. */
  readonly queued: number;
}

export function createSemaphore(limit: number): Semaphore {
  let active = 0;
  // Each waiter is resumed with its slot already counted in `active` (handed over on release), so a
  // newcomer can never slip in between a release and the waiter it was meant for.
  const waiters: Array<() => void> = [];

  const acquire = (): Promise<void> | undefined => {
    if (active < limit) {
      active += 1;
      return undefined;
    }
    return new Promise<void>((resolve) => waiters.push(resolve));
  };

  const release = (): void => {
    const next = waiters.shift();
    if (next === undefined) active -= 1;
    else next();
  };

  return {
    async run<T>(task: () => Promise<T>): Promise<T> {
      const waiting = acquire();
      if (waiting !== undefined) await waiting;
      try {
        return await task();
      } finally {
        release();
      }
    },
    get active() {
      return active;
    },
    get queued() {
      return waiters.length;
    },
  };
}
