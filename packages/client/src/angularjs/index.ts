import { CSRF_RESPONSE_HEADER } from '@crossauth/protocol';
import { createClient, type CrossauthClient, type Prepared } from '../core/client.js';
import type { ClientOptions } from '../core/options.js';

/** The parts of the AngularJS 1.x `angular` global this module uses; pass the real one. */
export interface AngularStatic {
  module(name: string, requires: string[]): AngularModule;
}
interface AngularModule {
  provider(name: string, provider: unknown): AngularModule;
  factory(name: string, factory: unknown): AngularModule;
  config(block: unknown): AngularModule;
}
interface HttpConfig {
  method: string;
  url: string;
  headers: Record<string, unknown>;
  withCredentials?: boolean;
  crossauth?: Prepared;
  crossauthRetried?: boolean;
}
interface HttpAnswer {
  status: number;
  data: unknown;
  config?: HttpConfig;
  headers?: (name: string) => string | null;
}
interface Q {
  when<T>(value: T | PromiseLike<T>): PromiseLike<T>;
  reject(reason: unknown): PromiseLike<never>;
}
type Http = (config: HttpConfig) => PromiseLike<HttpAnswer>;

/** What `csrfInterceptorProvider` offers in a config block: the classic cross-domain CSRF interceptor API. */
export interface CsrfInterceptorProvider {
  /** Request header for the token. Default from the options, else `X-CSRF-Token`. */
  setHeaderName(name: string): void;
  /** Readable cookie to take the token from when the page can see it. Default from the options, else `XSRF-TOKEN`. */
  setCookieName(name: string): void;
  /** Methods sent without a token (the safe ones). Default `GET`, `HEAD`, `OPTIONS`. */
  setAllowedMethods(methods: readonly string[]): void;
}

/**
 * Registers an AngularJS module (default name `crossauth`) and returns its name, for
 * `angular.module('app', [crossauthModule(angular, { baseUrl })])`. Its `csrfInterceptor` is added to
 * `$httpProvider.interceptors`: before every `$http` request to the API origins it reads a fresh token
 * (the readable cookie, else the last `X-CSRF-Token` seen, else one `/auth/csrf` call), sets
 * `withCredentials` unless the request says otherwise, learns the token from every answer and retries
 * once after a CSRF failure. The client itself is the `crossauth` service (`login`, `logout`, `me`).
 */
export function crossauthModule(angular: AngularStatic, options: ClientOptions, name = 'crossauth'): string {
  function provider(this: CsrfInterceptorProvider & { $get: unknown }) {
    const overrides: Partial<ClientOptions> = {};
    this.setHeaderName = (header) => void (overrides.csrfHeaderName = header);
    this.setCookieName = (cookie) => void (overrides.csrfCookieName = cookie);
    this.setAllowedMethods = (methods) => void (overrides.safeMethods = methods);
    this.$get = ['$q', '$injector', ($q: Q, $injector: { get(name: '$http'): Http }) => {
      const client = createClient({ ...options, ...overrides });
      const learn = (answer: HttpAnswer) => client.learn(answer.headers?.(CSRF_RESPONSE_HEADER));
      return {
        client,
        request: (config: HttpConfig) =>
          $q.when(client.prepare(config.method, config.url)).then((prepared) => {
            if (!prepared) return config;
            Object.assign(config.headers, prepared.headers);
            config.withCredentials ??= prepared.credentials;
            config.crossauth = prepared;
            return config;
          }),
        response: (answer: HttpAnswer) => (learn(answer), answer),
        responseError: (answer: HttpAnswer) => {
          learn(answer);
          const config = answer.config;
          if (!config?.crossauth || config.crossauthRetried) return $q.reject(answer);
          return $q.when(client.recover(answer.status, answer.data, config.crossauth)).then((retry) => {
            if (!retry) return $q.reject(answer);
            config.crossauthRetried = true;
            // $http is fetched lazily: injecting it into an interceptor would be a circular dependency.
            return $injector.get('$http')(config);
          });
        },
      };
    }];
  }
  angular
    .module(name, [])
    .provider('csrfInterceptor', provider)
    .factory('crossauth', ['csrfInterceptor', (interceptor: { client: CrossauthClient }) => interceptor.client])
    .config(['$httpProvider', ($httpProvider: { interceptors: unknown[] }) => void $httpProvider.interceptors.push('csrfInterceptor')]);
  return name;
}
