import { CORS_CATALOGUE } from './catalogue-cors.js';
import { COOKIE_CATALOGUE } from './catalogue-cookies.js';
import { OTHER_CATALOGUE } from './catalogue-other.js';

/**
 * The findings catalogue: every diagnosis the doctor can make has a stable id (part of the `--json`
 * schema; never renamed), a fixed severity, a title, the reason in plain words, a fix for a crossauth
 * server and a snippet for a hand-rolled one. Checks supply what they observed; the catalogue supplies
 * the rest, so the same id always reads the same.
 */

export type Severity = 'error' | 'warn' | 'info';

/** Values a fix or snippet quotes, so it can be pasted as is. */
export interface FixContext {
  appOrigin: string;
  apiOrigin: string;
  apiHost: string;
  method: string;
  /** What the finding is about: a cookie name, header names, a URL. */
  subject: string;
}

export interface CatalogueEntry {
  severity: Severity;
  title: string;
  /** Why this breaks (or may break) the app, citing the spec or browser fact. */
  why: string;
  /** The change to make on a crossauth server. */
  fix(context: FixContext): string;
  /** The same change for a hand-rolled server (node:http / Express style); empty when there is none. */
  snippet(context: FixContext): string;
}

export const CATALOGUE = { ...CORS_CATALOGUE, ...COOKIE_CATALOGUE, ...OTHER_CATALOGUE } as const satisfies Record<string, CatalogueEntry>;

export type FindingId = keyof typeof CATALOGUE;

export interface Finding {
  id: FindingId;
  severity: Severity;
  title: string;
  /** What was observed, then why it matters. */
  detail: string;
  fix: string;
  snippet: string;
  /** What the finding is about (cookie name, header names, URL); one finding per id and subject. */
  subject: string;
}

export function makeFinding(id: FindingId, observed: string, context: FixContext): Finding {
  const entry: CatalogueEntry = CATALOGUE[id];
  return {
    id,
    severity: entry.severity,
    title: entry.title,
    detail: `${observed} ${entry.why}`,
    fix: entry.fix(context),
    snippet: entry.snippet(context),
    subject: context.subject,
  };
}

/** Collects findings, keeping one per id and subject (the same header is often judged on several answers). */
export class FindingList {
  readonly items: Finding[] = [];
  readonly passed: string[] = [];

  constructor(private readonly base: Omit<FixContext, 'subject'>) {}

  add(id: FindingId, observed: string, subject = ''): void {
    if (this.items.some((item) => item.id === id && item.subject === subject)) return;
    this.items.push(makeFinding(id, observed, { ...this.base, subject }));
  }

  has(id: FindingId): boolean {
    return this.items.some((item) => item.id === id);
  }

  /** Records a check that found nothing wrong, for the ✓ lines of the report. */
  pass(what: string): void {
    if (!this.passed.includes(what)) this.passed.push(what);
  }

  get context(): Omit<FixContext, 'subject'> {
    return this.base;
  }
}

const ORDER: Record<Severity, number> = { error: 0, warn: 1, info: 2 };

export function bySeverity(a: Finding, b: Finding): number {
  return ORDER[a.severity] - ORDER[b.severity];
}
