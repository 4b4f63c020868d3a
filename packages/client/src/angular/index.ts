import { HttpErrorResponse, HttpResponse, type HttpEvent, type HttpInterceptorFn } from '@angular/common/http';
import { InjectionToken, inject, makeEnvironmentProviders, type EnvironmentProviders } from '@angular/core';
import { defer, catchError, switchMap, tap, throwError, type Observable } from 'rxjs';
import { CSRF_RESPONSE_HEADER } from '@crossauth/protocol';
import { createClient, type CrossauthClient } from '../core/client.js';
import type { ClientOptions } from '../core/options.js';

/** The crossauth client of this injector, for components that call `login`, `logout` or `me`. */
export const CROSSAUTH_CLIENT = new InjectionToken<CrossauthClient>('CROSSAUTH_CLIENT');

/**
 * Provides the client, made from options or given ready-made (to share it with non-Angular code).
 * Add `crossauthInterceptor` to `withInterceptors([...])` of `provideHttpClient`.
 */
export function provideCrossauth(clientOrOptions: CrossauthClient | ClientOptions): EnvironmentProviders {
  const client = 'prepare' in clientOrOptions ? clientOrOptions : createClient(clientOrOptions);
  return makeEnvironmentProviders([{ provide: CROSSAUTH_CLIENT, useValue: client }]);
}

/**
 * Credentials and the CSRF header (or the bearer token) for requests to the API origins, the token learned
 * from every answer, and one retry after a CSRF failure or an expired access token. Angular's own XSRF
 * interceptor only handles relative (same-origin) URLs, so it never covers a cross-origin API.
 */
export const crossauthInterceptor: HttpInterceptorFn = (request, next) => {
  const client = inject(CROSSAUTH_CLIENT);
  const learn = (event: { headers: { get(name: string): string | null } }) => client.learn(event.headers.get(CSRF_RESPONSE_HEADER));

  const send = (retried: boolean): Observable<HttpEvent<unknown>> =>
    // `defer`: nothing starts before the caller subscribes, as with any HttpClient request.
    defer(() => client.prepare(request.method, request.urlWithParams)).pipe(
      switchMap((prepared) => {
        if (!prepared) return next(request);
        return next(request.clone({ setHeaders: prepared.headers, withCredentials: prepared.credentials })).pipe(
          tap((event) => void (event instanceof HttpResponse && learn(event))),
          catchError((error: unknown) => {
            if (!(error instanceof HttpErrorResponse)) return throwError(() => error);
            learn(error);
            if (retried) return throwError(() => error);
            return defer(() => client.recover(error.status, error.error, prepared)).pipe(
              switchMap((retry) => (retry ? send(true) : throwError(() => error))),
            );
          }),
        );
      }),
    );
  return send(false);
};
