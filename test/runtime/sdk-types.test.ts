import { execFile } from 'node:child_process';
import { cp, mkdir, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { REPO, tempDir } from '../helpers.js';

let dir: string;
let cleanup: () => Promise<void>;

beforeEach(async () => {
  ({ dir, cleanup } = await tempDir('promptops-sdk-types-'));
});
afterEach(async () => cleanup());

const APP = `import { createClient, isPromptOpsError, parseVersionRef, type RunResult } from 'promptops';

const client = createClient({ environment: 'production', env: { OPENAI_API_KEY: 'sk-test' } });
const ref = parseVersionRef('support-reply:production');
export async function answer(message: string): Promise<string> {
  try {
    const result: RunResult<{ reply: string }> = await client.run('support-reply:production', { message });
    return result.output.reply + ref.prompt;
  } catch (err) {
    if (isPromptOpsError(err)) return err.code;
    throw err;
  }
}
`;

function tsc(cwd: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [path.join(REPO, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', cwd],
      { cwd },
      (error, stdout, stderr) =>
        resolve({ code: error ? Number(error.code ?? 1) : 0, output: stdout + stderr }),
    );
  });
}

describe('the published types', () => {
  it('compile in a TypeScript app that has no @types/node', async () => {
    // The package as npm installs it (its dist and package.json) beside its dependencies, in an
    // app whose node_modules has every package of ours but @types (so no @types/node to fall back on).
    const pkg = path.join(dir, 'node_modules', 'promptops');
    await mkdir(pkg, { recursive: true });
    await cp(path.join(REPO, 'dist'), path.join(pkg, 'dist'), { recursive: true });
    await writeFile(path.join(pkg, 'package.json'), await readFile(path.join(REPO, 'package.json')));
    for (const name of await readdir(path.join(REPO, 'node_modules'))) {
      if (name === '@types' || name.startsWith('.')) continue;
      await symlink(path.join(REPO, 'node_modules', name), path.join(dir, 'node_modules', name));
    }
    await writeFile(path.join(dir, 'app.ts'), APP);
    await writeFile(
      path.join(dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          module: 'nodenext',
          moduleResolution: 'nodenext',
          target: 'es2022',
          types: [],
          noEmit: true,
          skipLibCheck: false,
          // Resolve through the app's own node_modules, never the repository's (which has @types/node).
          preserveSymlinks: true,
        },
        files: ['app.ts'],
      }),
    );
    const result = await tsc(dir);
    expect(result.output).toBe('');
    expect(result.code).toBe(0);
  });
});
