import { localStorageStorage, type ClientOptions, type CrossauthClient } from '../../src/index.js';
import { crossauthModule, type AngularStatic, type CsrfInterceptorProvider } from '../../src/angularjs/index.js';

/**
 * The AngularJS test page, bundled by esbuild. angular.min.js is loaded by its own <script> tag, the
 * classic way. Query: `api` (the API's URL), `header` (setHeaderName), `mode`, `storage=local`.
 */
interface PageGlobals {
  angular: AngularStatic & { bootstrap(element: unknown, modules: string[]): { get(name: string): unknown } };
  location: { search: string };
  document: { body: unknown; cookie: string };
  app?: { http: unknown; crossauth: CrossauthClient; events: unknown[]; cookies: () => string };
}

const page = globalThis as unknown as PageGlobals;
const query = new URLSearchParams(page.location.search);
const options: ClientOptions = { baseUrl: query.get('api')! };
if (query.get('mode') === 'token') options.mode = 'token';
if (query.get('storage') === 'local') options.tokenStorage = localStorageStorage();

const module = page.angular.module('app', [crossauthModule(page.angular, options)]);
const header = query.get('header');
if (header) module.config(['csrfInterceptorProvider', (provider: CsrfInterceptorProvider) => provider.setHeaderName(header)]);

const injector = page.angular.bootstrap(page.document.body, ['app']);
const crossauth = injector.get('crossauth') as CrossauthClient;
const events: unknown[] = [];
crossauth.on('mode', (event) => events.push(event));
crossauth.on('expired', () => events.push('expired'));
page.app = { http: injector.get('$http'), crossauth, events, cookies: () => page.document.cookie };
