import { UsageError } from '../serve/config.js';
import { parseDoctorArgs } from './args.js';
import { diagnose, type Diagnosis } from './diagnose.js';
import { readPassword, type PromptStreams } from './password.js';
import { renderJson, renderText } from './report.js';

export { DOCTOR_HELP } from './args.js';
export type { Diagnosis, DoctorOptions, TopologyReport } from './diagnose.js';
export { diagnose } from './diagnose.js';
export type { Finding, FindingId, Severity } from './findings.js';
export { CATALOGUE } from './findings.js';

export interface DoctorIo extends PromptStreams {
  stdout: { write(text: string): unknown; isTTY?: boolean };
  env: NodeJS.ProcessEnv;
}

/** Exit status (issue 6): 0 nothing is an error, 1 something is, 2 the API could not be reached. */
export function exitCodeOf(diagnosis: Diagnosis): number {
  if (diagnosis.verdict === 'unreachable') return 2;
  return diagnosis.verdict === 'fail' ? 1 : 0;
}

/** `crossauth doctor …`: prints the report and resolves to the exit status (2 for a usage error too). */
export async function runDoctor(argv: readonly string[], io: DoctorIo): Promise<number> {
  try {
    const args = parseDoctorArgs(argv);
    const login = args.login === undefined ? undefined : { ...args.login, password: await readPassword(args.login.email, io.env, io) };
    const diagnosis = await diagnose({ ...args, login });
    const colour = io.stdout.isTTY === true && (io.env.NO_COLOR ?? '') === '' && io.env.TERM !== 'dumb';
    io.stdout.write(args.json ? renderJson(diagnosis) : renderText(diagnosis, colour));
    return exitCodeOf(diagnosis);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`${error.message.trimEnd()}\n`);
      return 2;
    }
    throw error;
  }
}
