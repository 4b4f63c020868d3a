import type { Mode } from './options.js';

/** Why the client settled on a mode. */
export type ModeReason = 'cookies-kept' | 'cookies-dropped' | 'stored-token' | 'configured';

export interface ClientEvents {
  /** The mode is decided (in `auto`, once: the first time it matters). `cookies-dropped` is the Safari / iOS web view fallback. */
  mode: { mode: Mode; reason: ModeReason };
  /** Token mode lost its pair: the refresh token was refused (expired, revoked, or replayed elsewhere). */
  expired: undefined;
}

export type Listener<T> = (payload: T) => void;

export function createEmitter() {
  const listeners = new Map<keyof ClientEvents, Set<Listener<never>>>();
  return {
    on<K extends keyof ClientEvents>(event: K, listener: Listener<ClientEvents[K]>): () => void {
      const set = listeners.get(event) ?? new Set();
      listeners.set(event, set.add(listener as Listener<never>));
      return () => void set.delete(listener as Listener<never>);
    },
    emit<K extends keyof ClientEvents>(event: K, payload: ClientEvents[K]): void {
      for (const listener of listeners.get(event) ?? []) (listener as Listener<ClientEvents[K]>)(payload);
    },
  };
}
