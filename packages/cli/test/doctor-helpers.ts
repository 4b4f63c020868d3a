import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { runDoctor } from '../src/doctor/index.js';

/**
 * Helpers for the doctor tests: tiny hand-rolled node:http servers on loopback (each deliberately wrong
 * in one way), and the doctor run in-process with its output captured.
 */

export interface RawServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

export type Handler = (req: IncomingMessage, res: ServerResponse) => void;

export async function startRaw(handler: Handler): Promise<RawServer> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export interface JsonFinding {
  id: string;
  severity: 'error' | 'warn' | 'info';
  title: string;
  detail: string;
  fix: string;
  snippet: string;
  subject: string;
}

export interface JsonReport {
  schemaVersion: number;
  verdict: 'ok' | 'fail' | 'unreachable';
  target: { method: string; url: string; origin: string };
  topology: { relation: string; appOrigin: string; apiOrigin: string; appSite: string; apiSite: string; hybrid: string | null; apiSecureContext: boolean };
  findings: JsonFinding[];
  passed: string[];
  durationMs: number;
}

export interface DoctorRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `crossauth doctor ARGS` in-process; stdin is never a terminal here. */
export async function runIt(args: string[], options: { env?: NodeJS.ProcessEnv; tty?: boolean } = {}): Promise<DoctorRun> {
  let stdout = '';
  let stderr = '';
  const code = await runDoctor(args, {
    env: options.env ?? {},
    stdin: process.stdin as unknown as NodeJS.ReadableStream & { isTTY?: boolean },
    stdout: { write: (text: string) => (stdout += text), isTTY: options.tty ?? false },
    stderr: { write: (text: string) => (stderr += text) },
  });
  return { code, stdout, stderr };
}

/** Runs the doctor with `--json` and parses the report. */
export async function diagnoseJson(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; report: JsonReport }> {
  const run = await runIt([...args, '--json'], { env });
  if (run.stdout === '') throw new Error(`no report; stderr: ${run.stderr}`);
  return { code: run.code, report: JSON.parse(run.stdout) as JsonReport };
}

export const ids = (report: JsonReport): string[] => report.findings.map((finding) => finding.id);
export const errorIds = (report: JsonReport): string[] => report.findings.filter((finding) => finding.severity === 'error').map((finding) => finding.id);

export const APP = 'https://app.example.com';

/** A correct hand-rolled CORS grant for `allowed` origins (the baseline the gallery breaks one way at a time). */
export function grant(req: IncomingMessage, res: ServerResponse, allowed: readonly string[] = [APP]): boolean {
  const origin = req.headers.origin;
  res.setHeader('Vary', 'Origin');
  if (origin === undefined || !allowed.includes(origin)) return false;
  res.setHeader('Access-Control-Allow-Origin', origin);
  res.setHeader('Access-Control-Allow-Credentials', 'true');
  return true;
}

/** Answers a preflight correctly; returns whether `req` was one. */
export function answerPreflight(req: IncomingMessage, res: ServerResponse, allowed: readonly string[] = [APP]): boolean {
  if (req.method !== 'OPTIONS') return false;
  if (grant(req, res, allowed)) {
    res.setHeader('Access-Control-Allow-Methods', 'GET, POST, PUT, PATCH, DELETE');
    res.setHeader('Access-Control-Allow-Headers', 'Content-Type, Authorization, X-CSRF-Token');
  }
  res.writeHead(204).end();
  return true;
}

/** Reads and discards the body, then answers JSON. */
export function json(req: IncomingMessage, res: ServerResponse, status: number, body: unknown, headers: Record<string, string | string[]> = {}): void {
  req.resume();
  req.on('end', () => {
    for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
    res.setHeader('Content-Type', 'application/json');
    res.writeHead(status).end(JSON.stringify(body));
  });
}
