import { ConfigError } from '@crossauth/server';
import { parseServeArgs, SERVE_HELP, UsageError } from './serve/config.js';
import { startReferenceServer } from './serve/server.js';
import { banner } from './serve/banner.js';
import { DOCTOR_HELP, runDoctor } from './doctor/index.js';

const HELP = `Usage: crossauth <command> [options]

Commands:
  serve     run the reference API server (crossauth serve --help)
  doctor    check a live API the way a browser would (crossauth doctor --help)
`;

/** Runs the CLI; resolves to an exit code for commands that finish, or `undefined` while serving. */
export async function main(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<number | undefined> {
  const [command, ...rest] = argv;
  if (command === 'doctor') return runDoctor(rest, { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, env });
  if (command === 'serve') {
    try {
      const config = parseServeArgs(rest, env);
      const running = await startReferenceServer(config);
      console.log(banner(config, running));
      const stop = () => {
        void running.close().then(() => process.exit(0));
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      return undefined;
    } catch (error) {
      if (error instanceof UsageError || error instanceof ConfigError) {
        console.error(error.message);
        return 2;
      }
      throw error;
    }
  }
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    console.log(`${HELP}\n${SERVE_HELP}\n${DOCTOR_HELP}`);
    return command === undefined ? 2 : 0;
  }
  console.error(`Unknown command "${command}".\n\n${HELP}`);
  return 2;
}
