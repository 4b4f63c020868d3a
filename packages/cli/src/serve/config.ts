import { parseArgs } from 'node:util';

/** `crossauth serve` settings after flags and environment variables (a flag wins). */
export interface ServeConfig {
  port: number;
  host: string;
  origins: string[];
  /** `sqlite:PATH`, `memory:`, `redis://…`, `postgres://…`. */
  store: string;
  publicUrl: string | undefined;
  trustProxy: boolean;
  secret: string | undefined;
  /** True when no origin was given and the development default applies. */
  defaultOrigins: boolean;
}

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export const SERVE_HELP = `Usage: crossauth serve [options]

  --port N            port to listen on (PORT, default 3000)
  --host ADDRESS      address to bind (HOST, default 127.0.0.1)
  --origin ORIGIN     allowed app origin; repeatable; exact origins, https://*.example.com
                      patterns, or the presets capacitor and ionic
                      (CROSSAUTH_ORIGINS, comma-separated; default http://localhost:5173)
  --store URL         sqlite:PATH (default sqlite:./.crossauth/crossauth.db), redis://…,
                      postgres://… (both need CROSSAUTH_SECRET) or memory: (CROSSAUTH_STORE)
  --public-url URL    the API's public origin, e.g. https://api.example.com (CROSSAUTH_PUBLIC_URL)
  --trust-proxy       believe X-Forwarded-* from the proxy in front (CROSSAUTH_TRUST_PROXY)

  CROSSAUTH_SECRET    HMAC key, at least 32 bytes; created beside a SQLite file when absent
`;

function truthy(value: string | undefined): boolean {
  return value !== undefined && /^(1|true|yes|on)$/i.test(value.trim());
}

export function parseServeArgs(argv: readonly string[], env: NodeJS.ProcessEnv): ServeConfig {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        origin: { type: 'string', multiple: true },
        store: { type: 'string' },
        'public-url': { type: 'string' },
        'trust-proxy': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }));
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n\n${SERVE_HELP}`);
  }
  if (values.help) throw new UsageError(SERVE_HELP);

  const portText = values.port ?? env.PORT ?? '3000';
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be a port number (got "${portText}").`);

  const fromEnv = env.CROSSAUTH_ORIGINS?.split(',').map((origin) => origin.trim()).filter((origin) => origin !== '');
  const given = values.origin ?? (fromEnv !== undefined && fromEnv.length > 0 ? fromEnv : undefined);

  return {
    port,
    host: values.host ?? env.HOST ?? '127.0.0.1',
    origins: given ?? ['http://localhost:5173'],
    defaultOrigins: given === undefined,
    store: values.store ?? env.CROSSAUTH_STORE ?? 'sqlite:./.crossauth/crossauth.db',
    publicUrl: values['public-url'] ?? env.CROSSAUTH_PUBLIC_URL,
    trustProxy: values['trust-proxy'] ?? truthy(env.CROSSAUTH_TRUST_PROXY),
    secret: env.CROSSAUTH_SECRET,
  };
}
