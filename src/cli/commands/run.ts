import { shortHash } from '../../catalog/canonical.js';
import { PromptOpsError } from '../../errors.js';
import { registryClient } from '../../runtime/client.js';
import { projectDir, textOrFile } from '../context.js';
import { color, print, printJson } from '../output.js';
import type { RunCliOptions } from './run-commands.js';

/** `promptops run NAME --input JSON|@file`: runs a prompt through the full pipeline. */
export async function run(refText: string, options: RunCliOptions): Promise<number> {
  const input = await readInput(options.input);
  // The registry's versions, run here: a developer's run, not an application's (see registryClient).
  const client = registryClient({
    cwd: projectDir(options),
    ...(options.provider ? { provider: options.provider } : {}),
  });
  try {
    // The SDK reads the reference (NAME, NAME@3, NAME:label) the same way the CLI does.
    const result = await client.run(refText, input, {
      ...(options.env ? { environment: options.env } : {}),
      ...(options.model ? { model: options.model } : {}),
      ...(options.config ? { config: parseConfig(options.config) } : {}),
    });
    if (options.json) printJson(result);
    else {
      print(typeof result.output === 'string' ? result.output : JSON.stringify(result.output, null, 2));
      process.stderr.write(
        `${color.dim(`${result.version.prompt}@${result.version.number} ${shortHash(result.version.hash)} · ${result.model} · ${result.usage.inputTokens}+${result.usage.outputTokens} tokens · trace ${result.traceId}`)}\n`,
      );
      for (const m of result.mutations)
        process.stderr.write(`${color.yellow('coerced')} ${m.path}: ${m.rule}\n`);
    }
    return 0;
  } finally {
    await client.close();
  }
}

function parseConfig(text: string): Record<string, unknown> {
  try {
    const value = JSON.parse(text) as unknown;
    if (typeof value === 'object' && value !== null && !Array.isArray(value))
      return value as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw new PromptOpsError('PO_ERR_USAGE', '--config must be a JSON object, e.g. {"temperature":0}');
}

async function readInput(text: string | undefined): Promise<unknown> {
  if (text === undefined) return {};
  const raw = await textOrFile(text, 'the input file');
  try {
    return JSON.parse(raw) as unknown;
  } catch (err) {
    throw new PromptOpsError(
      'PO_ERR_USAGE',
      `--input must be JSON (or @file.json): ${(err as Error).message}`,
    );
  }
}
