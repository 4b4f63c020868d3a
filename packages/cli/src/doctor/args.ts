import { isIP } from 'node:net';
import { parseArgs } from 'node:util';
import { UsageError } from '../serve/config.js';

export const DOCTOR_HELP = `Usage: crossauth doctor <api-url> --origin <app-origin> [options]

Plays the browser against a live API (crossauth or not): the preflight, the credentialed request, an
unrelated-origin probe, optionally a login, and says why a cookie is not kept or a request is refused.

  --origin ORIGIN        the app's origin, e.g. https://app.example.com or capacitor://localhost (required)
  --method METHOD        the app's request method (default GET; POST etc. add Content-Type and X-CSRF-Token)
  --path PATH            the path to check (default: the path of <api-url>)
  --header NAME          a request header the app sends, e.g. Authorization; repeatable
  --resolve H:P:ADDR     connect to ADDR for host H and port P, as curl's --resolve; repeatable
  --login EMAIL          also log in through the crossauth contract (GET /auth/csrf, POST /auth/login);
                         the password comes from CROSSAUTH_DOCTOR_PASSWORD or a prompt
  --remember             log in with "remember": true (a persistent session cookie)
  --timeout SECONDS      per-request timeout (default 10)
  --json                 print the report as JSON (schema in the README)

Exit status: 0 no errors, 1 errors found, 2 the API could not be reached or the usage is wrong.
`;

export interface DoctorArgs {
  url: URL;
  appOrigin: string;
  method: string;
  headers: string[];
  resolve: Map<string, string>;
  timeoutMs: number;
  login: { email: string; remember: boolean } | undefined;
  json: boolean;
}

// RFC 9110 §5.6.2 token: what a method or a header name may consist of.
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** `HOST:PORT:ADDRESS` (the address may be an IPv6 literal, with or without brackets). */
function parseResolve(entry: string): [string, string] {
  const match = /^\[?([^\]:]+)\]?:(\d{1,5}):\[?([^\]]+)\]?$/.exec(entry);
  if (match === null || isIP(match[3]!) === 0) {
    throw new UsageError(`--resolve wants HOST:PORT:ADDRESS with an IP address, e.g. api.example.com:443:127.0.0.1 (got "${entry}").`);
  }
  return [`${match[1]!.toLowerCase()}:${match[2]!}`, match[3]!];
}

function parseOrigin(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`--origin must be an origin such as https://app.example.com or capacitor://localhost (got "${text}").`);
  }
  if (url.hostname === '' || (url.pathname !== '' && url.pathname !== '/') || url.search !== '' || url.hash !== '') {
    throw new UsageError(`--origin must be an origin, scheme://host[:port] with no path (got "${text}").`);
  }
  return text.replace(/\/$/, '');
}

export function parseDoctorArgs(argv: readonly string[]): DoctorArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        origin: { type: 'string' },
        method: { type: 'string' },
        path: { type: 'string' },
        header: { type: 'string', multiple: true },
        resolve: { type: 'string', multiple: true },
        login: { type: 'string' },
        remember: { type: 'boolean' },
        timeout: { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n\n${DOCTOR_HELP}`);
  }
  const { values, positionals } = parsed;
  if (values.help) throw new UsageError(DOCTOR_HELP);
  if (positionals.length !== 1) throw new UsageError(`crossauth doctor takes one <api-url>.\n\n${DOCTOR_HELP}`);
  if (values.origin === undefined) throw new UsageError(`--origin is required: the origin of the app that calls the API.\n\n${DOCTOR_HELP}`);

  let url: URL;
  try {
    url = new URL(positionals[0]!);
  } catch {
    throw new UsageError(`<api-url> must be an http(s) URL, e.g. https://api.example.com/auth/me (got "${positionals[0]}").`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`<api-url> must be http or https (got "${url.protocol}").`);
  if (values.path !== undefined) {
    if (!values.path.startsWith('/')) throw new UsageError(`--path must start with / (got "${values.path}").`);
    url = new URL(values.path, url.origin);
  }

  const method = (values.method ?? 'GET').toUpperCase();
  if (!TOKEN.test(method) || method === 'OPTIONS') throw new UsageError(`--method must be a method such as GET or POST (got "${values.method}").`);
  const headers = values.header ?? [];
  for (const name of headers) if (!TOKEN.test(name)) throw new UsageError(`--header takes a header name, e.g. Authorization (got "${name}").`);

  const timeoutText = values.timeout ?? '10';
  const timeoutSeconds = Number(timeoutText);
  if (!Number.isFinite(timeoutSeconds) || timeoutSeconds <= 0) throw new UsageError(`--timeout must be a number of seconds (got "${timeoutText}").`);

  if (values.remember && values.login === undefined) throw new UsageError('--remember goes with --login.');
  return {
    url,
    appOrigin: parseOrigin(values.origin),
    method,
    headers,
    resolve: new Map((values.resolve ?? []).map(parseResolve)),
    timeoutMs: Math.round(timeoutSeconds * 1000),
    login: values.login === undefined ? undefined : { email: values.login, remember: values.remember ?? false },
    json: values.json ?? false,
  };
}
