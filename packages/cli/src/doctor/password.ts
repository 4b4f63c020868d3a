import { UsageError } from '../serve/config.js';

/**
 * The `--login` password: from CROSSAUTH_DOCTOR_PASSWORD, else typed at a prompt that does not echo.
 * Never from the command line, where it would land in shell history and `ps` output.
 */

export const PASSWORD_VARIABLE = 'CROSSAUTH_DOCTOR_PASSWORD';

export interface PromptStreams {
  stdin: NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?: (mode: boolean) => unknown };
  stderr: { write(text: string): unknown };
}

export async function readPassword(email: string, env: NodeJS.ProcessEnv, streams: PromptStreams): Promise<string> {
  const fromEnv = env[PASSWORD_VARIABLE];
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  const { stdin } = streams;
  if (stdin.isTTY !== true || stdin.setRawMode === undefined) {
    throw new UsageError(`--login needs a password: set ${PASSWORD_VARIABLE} (stdin is not a terminal, so the doctor cannot ask for it).`);
  }
  return prompt(`Password for ${email}: `, stdin as PromptStreams['stdin'] & { setRawMode: (mode: boolean) => unknown }, streams.stderr);
}

function prompt(question: string, stdin: PromptStreams['stdin'] & { setRawMode: (mode: boolean) => unknown }, stderr: PromptStreams['stderr']): Promise<string> {
  stderr.write(question);
  stdin.setRawMode(true);
  stdin.setEncoding('utf8');
  stdin.resume();
  return new Promise((resolve, reject) => {
    let typed = '';
    const finish = () => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      stderr.write('\n');
    };
    const onData = (chunk: string | Buffer) => {
      for (const char of String(chunk)) {
        if (char === '\r' || char === '\n') {
          finish();
          resolve(typed);
          return;
        }
        if (char === '\u0003' || char === '\u0004') {
          finish();
          reject(new UsageError('No password given.'));
          return;
        }
        // Backspace and DEL remove the last code point; nothing is echoed either way.
        if (char === '\u007f' || char === '\b') typed = Array.from(typed).slice(0, -1).join('');
        else typed += char;
      }
    };
    stdin.on('data', onData);
  });
}
