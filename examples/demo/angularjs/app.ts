// The classic AngularJS recipe, done by crossauth: withCredentials on, and the csrfInterceptor provider
// copying a fresh CSRF token into a header on every unsafe request to the API.
import angularGlobal from 'angular';
import { crossauthModule, type AngularStatic, type CsrfInterceptorProvider } from '@crossauth/client/angularjs';
import { MESSAGES } from '../spa/messages.js';

declare global {
  interface Window {
    CROSSAUTH_API: string;
  }
}

interface Note {
  id: string;
  text: string;
  createdAt: string;
}
interface HttpError {
  status: number;
  data?: { error?: { code?: keyof typeof MESSAGES; message?: string } };
}
interface Scope {
  api: string;
  user: { email: string } | null;
  notes: Note[];
  form: { email: string; password: string; remember: boolean };
  draft: string;
  message: string;
  error: boolean;
  ready: boolean;
  [action: string]: unknown;
}
type Http = <T>(config: { method: string; url: string; data?: unknown }) => Promise<{ data: T }>;

/** The slice of the `angular` global this app uses (AngularJS ships no type declarations). */
interface Module {
  config(block: unknown[]): Module;
  controller(name: string, block: unknown[]): Module;
}
const angular = angularGlobal as { module(name: string, requires: string[]): Module };
const api = window.CROSSAUTH_API;

angular
  .module('demo', [crossauthModule(angular as unknown as AngularStatic, { baseUrl: api, mode: 'cookie' })])
  .config([
    '$httpProvider',
    'csrfInterceptorProvider',
    ($httpProvider: { defaults: { withCredentials: boolean } }, csrfInterceptorProvider: CsrfInterceptorProvider) => {
      $httpProvider.defaults.withCredentials = true;
      // The classic knobs, set to what the crossauth server speaks by default.
      csrfInterceptorProvider.setHeaderName('X-CSRF-Token');
      csrfInterceptorProvider.setCookieName('XSRF-TOKEN');
      csrfInterceptorProvider.setAllowedMethods(['GET', 'HEAD', 'OPTIONS']);
    },
  ])
  .controller('DemoController', [
    '$scope',
    '$http',
    ($scope: Scope, $http: Http) => {
      $scope.api = api;
      $scope.user = null;
      $scope.notes = [];
      $scope.form = { email: '', password: '', remember: false };
      $scope.draft = '';

      const fail = (error: HttpError) => {
        const code = error.data?.error?.code;
        $scope.message = code ? MESSAGES[code] : error.status <= 0 ? `The API at ${api} cannot be reached.` : `HTTP ${error.status}`;
        $scope.error = true;
      };
      const ok = (message: string) => {
        $scope.message = message;
        $scope.error = false;
      };
      const loadNotes = () => $http<{ notes: Note[] }>({ method: 'GET', url: `${api}/api/notes` }).then((answer) => void ($scope.notes = answer.data.notes));

      $scope.signIn = (signup: boolean) =>
        $http<{ user: { email: string } }>({ method: 'POST', url: `${api}/auth/${signup ? 'signup' : 'login'}`, data: $scope.form })
          .then((answer) => {
            $scope.user = answer.data.user;
            $scope.form = { email: '', password: '', remember: false };
            ok(`Signed in as ${answer.data.user.email}.`);
            return loadNotes();
          })
          .catch(fail);
      $scope.addNote = () =>
        $http({ method: 'POST', url: `${api}/api/notes`, data: { text: $scope.draft } })
          .then(() => {
            $scope.draft = '';
            return loadNotes();
          })
          .catch(fail);
      $scope.logout = () =>
        $http({ method: 'POST', url: `${api}/auth/logout` })
          .then(() => {
            $scope.user = null;
            $scope.notes = [];
            ok('Signed out.');
          })
          .catch(fail);

      $http<{ user: { email: string } }>({ method: 'GET', url: `${api}/auth/me` })
        .then((answer) => {
          $scope.user = answer.data.user;
          return loadNotes();
        })
        .catch(() => undefined)
        .finally(() => void ($scope.ready = true));
    },
  ]);
