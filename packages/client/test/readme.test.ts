import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * The README's TypeScript examples compile against the real package: each ```ts block becomes a module
 * (a block without imports continues the one before it, as the README reads) and the TypeScript
 * compiler checks them with the client's own sources. Modules an app would have — its root component,
 * @capacitor/preferences — get one-line stand-ins.
 */
const root = fileURLToPath(new URL('../../../', import.meta.url));
const readme = readFileSync(join(root, 'packages/client/README.md'), 'utf8');
const dir = join(root, 'packages/client/test/.readme-examples');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function examples(): string[] {
  const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((match) => match[1]!);
  const modules: string[] = [];
  for (const block of blocks) {
    if (/^import /m.test(block) || modules.length === 0) modules.push(block);
    else modules[modules.length - 1] += `\n${block}`;
  }
  return modules;
}

describe('the client README', () => {
  it('has TypeScript examples for fetch, token mode, axios, Angular and Capacitor that compile against the package', () => {
    const modules = examples();
    expect(modules.length).toBeGreaterThanOrEqual(4);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'app.component.ts'), 'export class AppComponent {}\n');
    writeFileSync(join(dir, 'capacitor-preferences.d.ts'), `declare module '@capacitor/preferences' {
  export const Preferences: {
    get(options: { key: string }): Promise<{ value: string | null }>;
    set(options: { key: string; value: string }): Promise<void>;
    remove(options: { key: string }): Promise<void>;
  };
}
`);
    const files = modules.map((source, index) => {
      const file = join(dir, `example-${index}.ts`);
      writeFileSync(file, `${source}\nexport {};\n`);
      return file;
    });
    const program = ts.createProgram([...files, join(dir, 'capacitor-preferences.d.ts')], {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      lib: ['lib.es2023.d.ts', 'lib.dom.d.ts'],
      strict: true,
      noEmit: true,
      skipLibCheck: true,
      experimentalDecorators: true,
      types: [],
      baseUrl: root,
      paths: {
        '@crossauth/protocol': ['packages/protocol/src/index.ts'],
        '@crossauth/client': ['packages/client/src/index.ts'],
        '@crossauth/client/*': ['packages/client/src/*/index.ts'],
      },
    });
    const problems = ts
      .getPreEmitDiagnostics(program)
      .map((diagnostic) => `${diagnostic.file?.fileName.split('/').pop() ?? ''}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')}`);
    expect(problems).toEqual([]);
  }, 60_000);
});
