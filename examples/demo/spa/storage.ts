import { localStorageStorage, type TokenPair, type TokenStorage } from '@crossauth/client';

/**
 * Token mode's storage for the demo, mirroring the cookie's "remember me": a remembered login keeps
 * its pair in localStorage (survives a browser restart), any other in sessionStorage (survives a
 * reload, gone with the browser). Both are readable by any script on the page — see the client README.
 */
export function rememberAwareStorage(): TokenStorage & { remember: boolean } {
  const persistent = localStorageStorage('crossauth-demo.tokens', localStorage);
  const perSession = localStorageStorage('crossauth-demo.tokens', sessionStorage);
  return {
    remember: false,
    shared: true,
    async get(): Promise<TokenPair | null> {
      return (await persistent.get()) ?? (await perSession.get());
    },
    async set(pair) {
      // A refresh keeps the pair where it already was.
      const remembered = this.remember || (await persistent.get()) !== null;
      await (remembered ? persistent : perSession).set(pair);
      if (pair === null) await Promise.all([persistent.set(null), perSession.set(null)]);
      this.remember = false;
    },
  };
}
