import { shortHash } from '../../catalog/canonical.js';
import { parseVersionRef } from '../../catalog/ref.js';
import { withStore } from '../context.js';
import { color, formatWhen, print, printJson, table } from '../output.js';
import type { ListPromptsOptions, ShowOptions, VersionsOptions } from './versions-commands.js';

/** `promptops ls`: every prompt in the registry with its latest version and labels. */
export async function listPrompts(options: ListPromptsOptions): Promise<number> {
  return withStore(options, async (store) => {
    const prompts = await store.listPrompts();
    if (options.json) {
      printJson({ prompts });
      return 0;
    }
    if (prompts.length === 0) {
      print('the registry is empty; run "promptops push" to register your prompts');
      return 0;
    }
    print(
      table(
        ['PROMPT', 'LATEST', 'VERSIONS', 'LABELS'],
        prompts.map((p) => [
          p.name,
          p.latest ? `@${p.latest.number} ${color.dim(shortHash(p.latest.hash))}` : '-',
          String(p.versions),
          Object.entries(p.labels)
            .map(([label, n]) => `${label}→@${n}`)
            .join(' '),
        ]),
      ),
    );
    return 0;
  });
}

/** `promptops versions NAME`: the version history of one prompt. */
export async function versions(name: string, options: VersionsOptions): Promise<number> {
  const ref = parseVersionRef(name);
  return withStore(options, async (store) => {
    const list = await store.listVersions(ref.prompt);
    if (options.json) {
      printJson({ prompt: ref.prompt, versions: list.map(({ spec: _spec, ...rest }) => rest) });
      return 0;
    }
    print(
      table(
        ['VERSION', 'HASH', 'CREATED', 'AUTHOR', 'LABELS', 'MESSAGE'],
        list
          .slice()
          .reverse()
          .map((v) => [
            v.archived ? color.dim(`@${v.number} (archived)`) : `@${v.number}`,
            color.dim(shortHash(v.hash)),
            formatWhen(v.createdAt),
            v.author,
            v.labels.map((l) => color.cyan(l)).join(' '),
            v.message ?? '',
          ]),
      ),
    );
    return 0;
  });
}

/** `promptops show REF`: one version's metadata, spec and template. */
export async function show(refText: string, options: ShowOptions): Promise<number> {
  const ref = parseVersionRef(refText);
  return withStore(options, async (store) => {
    const v = await store.resolve(ref);
    if (options.json) {
      printJson(v);
      return 0;
    }
    if (options.template) {
      print(v.spec.template);
      return 0;
    }
    const spec = v.spec;
    const rows: [string, string][] = [
      ['version', `${v.prompt}@${v.number}${v.archived ? color.yellow(' (archived)') : ''}`],
      ['hash', v.hash],
      ['created', `${v.createdAt} by ${v.author}`],
      ['message', v.message ?? ''],
      ['parent', v.parentNumber ? `@${v.parentNumber}` : '-'],
      ['labels', v.labels.join(', ') || '-'],
      ['model', spec.model ?? '-'],
      ['risk', `${spec.promptops.risk}${spec.promptops.owner ? ` (owner ${spec.promptops.owner})` : ''}`],
      [
        'contract',
        `${spec.promptops.contract.policy}${spec.promptops.contract.maxInputChars ? `, max ${spec.promptops.contract.maxInputChars} chars` : ''}`,
      ],
      ['inputs', Object.keys((spec.input.schema?.properties as object | undefined) ?? {}).join(', ') || '-'],
      ['output', spec.output.format + (spec.output.schema ? ' (schema)' : '')],
      [
        'guardrails',
        [
          ...spec.promptops.guardrails.input.map((g) => `in:${g.name}→${g.action}`),
          ...spec.promptops.guardrails.output.map((g) => `out:${g.name}→${g.action}`),
        ].join(' ') || '-',
      ],
      ['knowledge', spec.promptops.knowledge.map((k) => k.entity).join(', ') || '-'],
    ];
    if (spec.description) rows.splice(1, 0, ['description', spec.description]);
    for (const [key, value] of rows) print(`${color.bold(key.padEnd(11))} ${value}`);
    print();
    print(color.dim('--- template ---'));
    print(spec.template);
    return 0;
  });
}
