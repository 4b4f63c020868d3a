import { describe, expect, test } from 'vitest';
import { createSemaphore } from './semaphore.js';

const deferred = () => {
  let resolve!: () => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
};

describe('semaphore', () => {
  test('serves waiting tasks first come, first served', async () => {
    const semaphore = createSemaphore(1);
    const order: number[] = [];
    const gates = [deferred(), deferred(), deferred()];
    const runs = gates.map((gate, i) =>
      semaphore.run(async () => {
        order.push(i);
        await gate.promise;
      }),
    );
    expect(semaphore.active).toBe(1);
    expect(semaphore.queued).toBe(2);
    gates.forEach((gate) => gate.resolve());
    await Promise.all(runs);
    expect(order).toEqual([0, 1, 2]);
    expect(semaphore.active).toBe(0);
  });

  test('a newcomer cannot overtake a waiter when a slot frees up', async () => {
    const semaphore = createSemaphore(1);
    const order: string[] = [];
    const first = deferred();
    const a = semaphore.run(async () => {
      await first.promise;
      order.push('a');
    });
    const b = semaphore.run(async () => void order.push('b'));
    first.resolve();
    await Promise.resolve();
    const c = semaphore.run(async () => void order.push('c'));
    await Promise.all([a, b, c]);
    expect(order).toEqual(['a', 'b', 'c']);
  });

  test('a failing task releases its slot and passes its error on', async () => {
    const semaphore = createSemaphore(1);
    const failed = semaphore.run(() => Promise.reject(new Error('boom')));
    const next = semaphore.run(async () => 'ran');
    await expect(failed).rejects.toThrow('boom');
    await expect(next).resolves.toBe('ran');
    expect(semaphore.active).toBe(0);
  });

  test('a task that throws synchronously releases its slot too', async () => {
    const semaphore = createSemaphore(1);
    const failed = semaphore.run(() => {
      throw new Error('sync');
    });
    await expect(failed).rejects.toThrow('sync');
    await expect(semaphore.run(async () => 1)).resolves.toBe(1);
  });
});
