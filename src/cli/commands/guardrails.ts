import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { parseVersionRef } from '../../catalog/ref.js';
import type { GuardrailDecl, GuardrailsSpec } from '../../catalog/spec.js';
import { PromptOpsError } from '../../errors.js';
import { BUILTIN_GUARDRAILS } from '../../guardrails/definitions.js';
import { type CompiledGuardrail, compileGuardrails, runGuardrailStage } from '../../guardrails/engine.js';
import { openWorkspace } from '../../project/workspace.js';
import { isOneOf, MAX_LIMIT, parseLimit, projectDir, withStore } from '../context.js';
import { color, print, printJson } from '../output.js';
import type { CheckOptions, StatsOptions } from './guardrails-commands.js';

/**
 * `promptops guardrails check`: runs a prompt's guardrails (or named built-ins with their defaults)
 * on any text. `--jsonl` scores a file of {"text": …} lines and prints one verdict per line, so any
 * labelled set can be measured.
 */
export async function check(options: CheckOptions): Promise<number> {
  const stage = options.stage ?? 'input';
  if (!isOneOf(stage, ['input', 'output']))
    throw new PromptOpsError('PO_ERR_USAGE', '--stage must be input or output');
  const sources = [options.text, options.file, options.jsonl].filter((s) => s !== undefined).length;
  if (sources !== 1)
    throw new PromptOpsError('PO_ERR_USAGE', 'give exactly one of --text, --file or --jsonl');
  const guardrails = await loadGuardrails(options, stage);
  const verdictOf = (text: string) => {
    const outcome = runGuardrailStage(guardrails, [{ field: null, text }], { stage });
    const blocked = outcome.results.some(
      (r) => r.isViolation && r.action !== 'flag' && r.action !== 'redact',
    );
    return {
      blocked,
      guardrails: outcome.results.map((r) => ({
        name: r.name,
        action: r.action,
        verdict: r.isViolation ? 'fail' : 'pass',
        score: Math.round(r.score * 1000) / 1000,
        reasons: r.reasons,
        spans: r.spans,
      })),
    };
  };

  if (options.jsonl !== undefined) {
    const lines = createInterface({
      input: createReadStream(options.jsonl),
      crlfDelay: Number.POSITIVE_INFINITY,
    });
    let n = 0;
    try {
      for await (const line of lines) {
        n++;
        if (line.trim() === '') continue;
        let text: unknown;
        try {
          text = (JSON.parse(line) as { text?: unknown }).text;
        } catch {
          throw new PromptOpsError(
            'PO_ERR_USAGE',
            `${options.jsonl}:${n} is not JSON; each line must be {"text": "…"}`,
          );
        }
        if (typeof text !== 'string')
          throw new PromptOpsError('PO_ERR_USAGE', `${options.jsonl}:${n} has no "text" string`);
        process.stdout.write(`${JSON.stringify(verdictOf(text))}\n`);
      }
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT')
        throw new PromptOpsError('PO_ERR_FILE_UNREADABLE', `cannot read ${options.jsonl}`);
      throw err;
    }
    return 0;
  }
  let text = options.text;
  if (options.file !== undefined) {
    try {
      text = await readFile(options.file, 'utf8');
    } catch (err) {
      throw new PromptOpsError(
        'PO_ERR_FILE_UNREADABLE',
        `cannot read ${options.file}: ${(err as Error).message}`,
      );
    }
  }
  const verdict = verdictOf(text ?? '');
  if (options.json) printJson(verdict);
  else {
    for (const g of verdict.guardrails) {
      const mark = g.verdict === 'pass' ? color.green('pass') : color.red(`fail → ${g.action}`);
      print(`${g.name.padEnd(20)} ${mark} ${color.dim(g.reasons.join('; '))}`);
    }
    print(verdict.blocked ? color.red('blocked') : color.green('allowed'));
  }
  return verdict.blocked ? 1 : 0;
}

async function loadGuardrails(
  options: CheckOptions,
  stage: 'input' | 'output',
): Promise<CompiledGuardrail[]> {
  const ws = await openWorkspace(projectDir(options), { isRequired: options.prompt !== undefined });
  if (options.guardrail && options.guardrail.length > 0) {
    const decls: GuardrailDecl[] = options.guardrail.map((name) => {
      const definition = BUILTIN_GUARDRAILS.get(name);
      if (!definition) {
        throw new PromptOpsError(
          'PO_ERR_USAGE',
          `unknown guardrail "${name}"; built-ins are ${[...BUILTIN_GUARDRAILS.keys()].join(', ')}`,
        );
      }
      if (!definition.stages.includes(stage)) {
        throw new PromptOpsError(
          'PO_ERR_USAGE',
          `guardrail "${name}" checks ${definition.stages.join(' and ')} only; pass --stage ${definition.stages[0]}`,
        );
      }
      const required = (definition.options.required as string[] | undefined) ?? [];
      if (required.length > 0) {
        throw new PromptOpsError(
          'PO_ERR_USAGE',
          `guardrail "${name}" needs options (${required.join(', ')}); declare it in a prompt's promptops.guardrails and use --prompt`,
        );
      }
      return { name, action: definition.defaultAction, options: {} };
    });
    const spec: GuardrailsSpec =
      stage === 'input' ? { input: decls, output: [] } : { input: [], output: decls };
    return (await compileGuardrails(spec, ws.config.guardrails.custom, ws.root))[stage];
  }
  if (!options.prompt)
    throw new PromptOpsError(
      'PO_ERR_USAGE',
      'name the guardrails with --guardrail NAME or a prompt with --prompt NAME',
    );
  const ref = parseVersionRef(options.prompt);
  const spec = await withStore(options, async (store) => (await store.resolve(ref)).spec);
  return (await compileGuardrails(spec.promptops.guardrails, ws.config.guardrails.custom, ws.root))[stage];
}

/** `promptops guardrails stats`: checks, violations and containment per prompt version and guardrail. */
export async function stats(options: StatsOptions): Promise<number> {
  const { countGuardrails } = await import('../../observe/guardrail-stats.js');
  const limit = parseLimit(options.limit, MAX_LIMIT);
  return withStore(options, async (store) => {
    const traces = await store.listTraces({ ...(options.prompt ? { prompt: options.prompt } : {}), limit });
    const counters = countGuardrails(traces);
    if (options.json) {
      printJson({ traces: traces.length, counters });
      return 0;
    }
    if (counters.length === 0) {
      print('no guardrail verdicts recorded yet');
      return 0;
    }
    const { table } = await import('../output.js');
    print(
      table(
        ['PROMPT', 'STAGE', 'GUARDRAIL', 'ACTION', 'CHECKED', 'VIOLATIONS', 'CONTAINED'],
        counters.map((c) => [
          `${c.prompt}@${c.version}`,
          c.stage,
          c.guardrail,
          c.action,
          String(c.checked),
          String(c.violations),
          c.violations === 0 ? '-' : `${c.contained} (${Math.round((100 * c.contained) / c.violations)}%)`,
        ]),
      ),
    );
    return 0;
  });
}
