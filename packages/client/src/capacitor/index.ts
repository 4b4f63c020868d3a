import { parsePair, type TokenStorage } from '../token/storage.js';

/** The subset of `@capacitor/preferences`' `Preferences` used here; pass the real object, so there is no dependency. */
export interface PreferencesLike {
  get(options: { key: string }): Promise<{ value: string | null }>;
  set(options: { key: string; value: string }): Promise<void>;
  remove(options: { key: string }): Promise<void>;
}

/**
 * Token storage in Capacitor Preferences (UserDefaults on iOS, SharedPreferences on Android), so the
 * session survives app restarts, which web view storage does not reliably do on iOS. One web view, no
 * tabs: no cross-tab coordination needed.
 */
export function preferencesStorage(preferences: PreferencesLike, key = 'crossauth.tokens'): TokenStorage {
  return {
    get: async () => parsePair((await preferences.get({ key })).value),
    set: (pair) => (pair ? preferences.set({ key, value: JSON.stringify(pair) }) : preferences.remove({ key })),
  };
}
