import type { AxiosError, AxiosInstance, AxiosResponse, InternalAxiosRequestConfig } from 'axios';
import { CSRF_RESPONSE_HEADER } from '@crossauth/protocol';
import type { CrossauthClient, Prepared } from '../core/client.js';

interface CrossauthConfig extends InternalAxiosRequestConfig {
  crossauth?: Prepared;
  crossauthRetried?: boolean;
}

const HEADER = CSRF_RESPONSE_HEADER.toLowerCase();

/**
 * Adds crossauth to an axios instance: credentials and the CSRF header (or the bearer token) on requests
 * to the API origins only, the token learned from every answer, and one retry after a CSRF failure or
 * an expired access token. Returns a function that removes the interceptors.
 */
export function attachCrossauth(instance: AxiosInstance, client: CrossauthClient): () => void {
  const learn = (response: AxiosResponse | undefined) => client.learn(response?.headers[HEADER] as string | undefined);

  const request = instance.interceptors.request.use(async (config: CrossauthConfig) => {
    const prepared = await client.prepare(config.method ?? 'get', instance.getUri(config));
    if (!prepared) return config;
    // axios's own XSRF support copies a cookie into a header for same-origin URLs only, which is the case
    // crossauth does not need it for; switched off so the two never send conflicting tokens.
    config.withXSRFToken = false;
    config.withCredentials = prepared.credentials;
    for (const [name, value] of Object.entries(prepared.headers)) config.headers.set(name, value);
    config.crossauth = prepared;
    return config;
  });

  const response = instance.interceptors.response.use(
    (answer) => (learn(answer), answer),
    async (error: AxiosError) => {
      const config = error.config as CrossauthConfig | undefined;
      const answer = error.response;
      learn(answer);
      if (config?.crossauth && answer && !config.crossauthRetried && (await client.recover(answer.status, answer.data, config.crossauth))) {
        config.crossauthRetried = true;
        return instance.request(config);
      }
      throw error;
    },
  );

  return () => {
    instance.interceptors.request.eject(request);
    instance.interceptors.response.eject(response);
  };
}
