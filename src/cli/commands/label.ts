import { parseVersionRef } from '../../catalog/ref.js';
import { PromptOpsError } from '../../errors.js';
import { type GlobalOptions, resolveActor, withStore } from '../context.js';
import { color, formatWhen, print, printJson, table } from '../output.js';
import type {
  ArchiveOptions,
  ListLabelsOptions,
  RemoveLabelOptions,
  SetLabelOptions,
} from './label-commands.js';

/** `promptops label set REF LABEL`: points a label at a version (REF may be NAME@N, NAME:other or NAME). */
export async function setLabel(refText: string, label: string, options: SetLabelOptions): Promise<number> {
  const ref = parseVersionRef(refText);
  return withStore(options, async (store) => {
    const target = await store.resolve(ref);
    const event = await store.setLabel(target.prompt, target.number, label, resolveActor(options.author));
    if (options.json)
      printJson({ prompt: target.prompt, label, number: target.number, changed: event !== null, event });
    else if (!event) print(color.dim(`${label} already points at ${target.prompt}@${target.number}`));
    else
      print(
        `${color.cyan(label)} → ${target.prompt}@${target.number}${event.from ? color.dim(` (was @${event.from})`) : ''}`,
      );
    return 0;
  });
}

/** `promptops label rm NAME LABEL`: removes a label; the removal stays in the label's history. */
export async function removeLabel(name: string, label: string, options: RemoveLabelOptions): Promise<number> {
  const ref = parseVersionRef(name);
  return withStore(options, async (store) => {
    const event = await store.removeLabel(ref.prompt, label, resolveActor(options.author));
    if (options.json) printJson({ event });
    else print(`removed ${color.cyan(label)} from ${ref.prompt} ${color.dim(`(was @${event.from})`)}`);
    return 0;
  });
}

/** `promptops label ls [NAME]`: current labels. */
export async function listLabels(name: string | undefined, options: ListLabelsOptions): Promise<number> {
  return withStore(options, async (store) => {
    const labels = await store.listLabels(name ? parseVersionRef(name).prompt : undefined);
    if (options.json) {
      printJson({ labels });
      return 0;
    }
    print(
      table(
        ['PROMPT', 'LABEL', 'VERSION', 'MOVED', 'BY'],
        labels.map((l) => [
          l.prompt,
          color.cyan(l.label),
          `@${l.number}`,
          formatWhen(l.updatedAt),
          l.updatedBy,
        ]),
      ),
    );
    return 0;
  });
}

/** `promptops label history NAME [LABEL]`: every move of a prompt's labels, oldest first. */
export async function labelHistory(
  name: string,
  label: string | undefined,
  options: GlobalOptions,
): Promise<number> {
  const ref = parseVersionRef(name);
  return withStore(options, async (store) => {
    const events = await store.labelHistory(ref.prompt, label);
    if (options.json) {
      printJson({ prompt: ref.prompt, events });
      return 0;
    }
    print(
      table(
        ['WHEN', 'LABEL', 'CHANGE', 'BY'],
        events.map((e) => [
          e.at,
          color.cyan(e.label),
          e.action === 'remove'
            ? color.red(`removed (was @${e.from})`)
            : e.from
              ? `@${e.from} → @${e.to}`
              : `set @${e.to}`,
          e.actor,
        ]),
      ),
    );
    return 0;
  });
}

/** `promptops archive NAME@N`: archives an unlabelled version (it stays readable, never deleted). */
export async function archive(refText: string, options: ArchiveOptions): Promise<number> {
  const ref = parseVersionRef(refText);
  if (ref.selector.kind !== 'number') {
    throw new PromptOpsError(
      'PO_ERR_REF_INVALID',
      `archive needs an exact version, like ${ref.prompt}@3, so the wrong one is never archived by accident`,
      {
        ref: refText,
      },
    );
  }
  return withStore(options, async (store) => {
    const target = await store.resolve(ref);
    const record = await store.archive(
      target.prompt,
      target.number,
      resolveActor(options.author),
      options.reason,
    );
    if (options.json) printJson({ prompt: record.prompt, number: record.number, archived: record.archived });
    else print(`archived ${record.prompt}@${record.number}`);
    return 0;
  });
}
