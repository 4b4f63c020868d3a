import type { Diagnosis } from './diagnose.js';
import type { Finding, Severity } from './findings.js';
import { HYBRID_LABELS } from './topology.js';

/**
 * The two renderings of a diagnosis: a short text report for a terminal (✓ passed, ✗ error, ! warning,
 * i note; colours only on a TTY without NO_COLOR, https://no-color.org) and the `--json` document,
 * whose shape is documented in the README and versioned by `schemaVersion`.
 */

export const JSON_SCHEMA_VERSION = 1;

/** The `--json` document: `Diagnosis` with a schema version, findings in severity order. */
export function renderJson(diagnosis: Diagnosis): string {
  const findings = diagnosis.findings.map(({ id, severity, title, detail, fix, snippet, subject }) => ({ id, severity, title, detail, fix, snippet, subject }));
  return `${JSON.stringify({ schemaVersion: JSON_SCHEMA_VERSION, ...diagnosis, findings }, null, 2)}\n`;
}

interface Palette {
  red(text: string): string;
  yellow(text: string): string;
  green(text: string): string;
  cyan(text: string): string;
  dim(text: string): string;
  bold(text: string): string;
}

const paint = (open: number, close: number) => (text: string) => `\u001b[${open}m${text}\u001b[${close}m`;
const COLOURS: Palette = { red: paint(31, 39), yellow: paint(33, 39), green: paint(32, 39), cyan: paint(36, 39), dim: paint(2, 22), bold: paint(1, 22) };
const PLAIN: Palette = { red: String, yellow: String, green: String, cyan: String, dim: String, bold: String };

const MARKS: Record<Severity, { mark: string; colour: keyof Palette }> = {
  error: { mark: '✗', colour: 'red' },
  warn: { mark: '!', colour: 'yellow' },
  info: { mark: 'i', colour: 'cyan' },
};

/** Wraps `text` at `width` columns, every line indented by `indent`. */
function wrap(text: string, indent: string, width = 100): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line !== '' && indent.length + line.length + 1 + word.length > width) {
      lines.push(indent + line);
      line = word;
    } else {
      line = line === '' ? word : `${line} ${word}`;
    }
  }
  if (line !== '') lines.push(indent + line);
  return lines;
}

function renderFinding(finding: Finding, p: Palette): string[] {
  const { mark, colour } = MARKS[finding.severity];
  const lines = [`${p[colour](`${mark} ${finding.severity.padEnd(5)}`)} ${p.bold(finding.id)}  ${finding.title}`];
  lines.push(...wrap(finding.detail, '    '));
  lines.push(...wrap(`fix: ${finding.fix}`, '    '));
  if (finding.snippet !== '') lines.push(...finding.snippet.split('\n').map((line) => p.dim(`      ${line}`)));
  return lines;
}

function count(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export function renderText(diagnosis: Diagnosis, colour: boolean): string {
  const p = colour ? COLOURS : PLAIN;
  const { target, topology } = diagnosis;
  const hybrid = topology.hybrid === null ? '' : `; hybrid app: ${HYBRID_LABELS[topology.hybrid]}`;
  const lines = [
    p.bold(`crossauth doctor: ${target.method} ${target.url} from ${target.origin}`),
    `topology: ${topology.relation} (app site ${topology.appSite}, API site ${topology.apiSite}${hybrid})`,
    '',
  ];
  for (const passed of diagnosis.passed) lines.push(`${p.green('✓')} ${passed}`);
  if (diagnosis.passed.length > 0) lines.push('');
  for (const finding of diagnosis.findings) lines.push(...renderFinding(finding, p), '');
  const errors = diagnosis.findings.filter((finding) => finding.severity === 'error').length;
  const warnings = diagnosis.findings.filter((finding) => finding.severity === 'warn').length;
  const notes = diagnosis.findings.length - errors - warnings;
  const verdict = diagnosis.verdict === 'ok' ? p.green('ok') : p.red(diagnosis.verdict);
  lines.push(`verdict: ${verdict} (${count(errors, 'error')}, ${count(warnings, 'warning')}, ${count(notes, 'note')}; ${diagnosis.durationMs} ms)`);
  return `${lines.join('\n')}\n`;
}
