/** Runs a task while holding a lock that other tabs of the same origin respect. */
export type Lock = <T>(task: () => Promise<T>) => Promise<T>;

/** The part of the Web Locks `LockManager` used here. */
interface Locks {
  request(name: string, callback: () => Promise<void>): Promise<unknown>;
}

const LINGER_MS = 100;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The refresh lock. Web Locks where present (every current browser); else a small claim protocol over
 * BroadcastChannel (Safari before 15.4, Node); else nothing, as a runtime with neither has no tabs to race.
 */
export function crossTabLock(name: string): Lock | undefined {
  const locks = (globalThis as { navigator?: { locks?: Locks } }).navigator?.locks;
  if (locks) return lingering((held) => locks.request(name, held));
  if (typeof BroadcastChannel === 'function') return lingering(channelLock(name));
  return undefined;
}

/**
 * Answers the caller as soon as the task settles, but keeps the lock a little longer: localStorage
 * reaches other renderer processes asynchronously, and a tab granted the lock at once could still read
 * the pair that was just spent (seen in Chromium), spend it again and get the family revoked.
 */
function lingering(acquire: (held: () => Promise<void>) => Promise<unknown>): Lock {
  return (task) =>
    new Promise((resolve, reject) => {
      acquire(async () => {
        await task().then(resolve, reject);
        await sleep(LINGER_MS);
      }).catch(reject);
    });
}

type Message = { t: 'want'; k: number } | { t: 'held' } | { t: 'free' };

/**
 * A tab announces `want` with a random key and listens for a short settling time: a holder answers
 * `held`, and of two tabs that want at once the smaller key wins. A settling tab with the smaller key
 * announces itself again when it hears a larger one, because its own first `want` may have gone out
 * before the other tab opened its channel. The loser waits for `free` (or a timeout, in case the
 * holder's tab closed) and tries again. The channel is open only while wanting or holding.
 */
export function channelLock(name: string, settleMs = 40, giveUpMs = 5000): Lock {
  return async (task) => {
    const channel = new BroadcastChannel(name);
    const key = Math.random();
    let phase: 'settling' | 'waiting' | 'holding' = 'settling';
    let contested: boolean | undefined;
    let wake = () => {};
    channel.onmessage = ({ data }: { data: Message }) => {
      if (data.t === 'free') wake();
      else if (phase === 'holding') channel.postMessage({ t: 'held' } satisfies Message);
      else if (data.t === 'held' || data.k < key) contested = true;
      else if (phase === 'settling') channel.postMessage({ t: 'want', k: key } satisfies Message);
    };
    try {
      for (;;) {
        phase = 'settling';
        contested = false;
        channel.postMessage({ t: 'want', k: key } satisfies Message);
        await sleep(settleMs);
        if (!contested) break;
        phase = 'waiting';
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, giveUpMs);
          wake = () => (clearTimeout(timer), resolve());
        });
      }
      phase = 'holding';
      return await task();
    } finally {
      channel.postMessage({ t: 'free' } satisfies Message);
      channel.close();
    }
  };
}
