import { type CommandNode, declare, group, handle, type OptionsOf } from '../declaration.js';

const set = declare({
  name: 'set',
  description: 'point LABEL at a version (creating or moving it)',
  arguments: [
    ['<ref>', 'NAME@N (or NAME:other-label, or NAME for the latest)'],
    ['<label>', 'label name, e.g. production'],
  ],
  options: [
    ['--author <who>', 'actor to record'],
    ['--json', 'print machine-readable results'],
  ],
});
export type SetLabelOptions = OptionsOf<typeof set>;

const rm = declare({
  name: 'rm',
  description: 'remove a label from a prompt (the removal is kept in history)',
  arguments: [
    ['<name>', 'prompt name'],
    ['<label>', 'label to remove'],
  ],
  options: [
    ['--author <who>', 'actor to record'],
    ['--json', 'print machine-readable results'],
  ],
});
export type RemoveLabelOptions = OptionsOf<typeof rm>;

const ls = declare({
  name: 'ls',
  description: 'list current labels',
  arguments: [['[name]', 'only this prompt']],
  options: [['--json', 'print machine-readable results']],
});
export type ListLabelsOptions = OptionsOf<typeof ls>;

const history = declare({
  name: 'history',
  description: "list every move of a prompt's labels, oldest first",
  arguments: [
    ['<name>', 'prompt name'],
    ['[label]', 'only this label'],
  ],
  options: [['--json', 'print machine-readable results']],
});
export type LabelHistoryOptions = OptionsOf<typeof history>;

const archive = declare({
  name: 'archive',
  description: 'archive an unlabelled version: it stays readable but can no longer be labelled',
  arguments: [['<ref>', 'NAME@N']],
  options: [
    ['--reason <text>', 'why it is archived'],
    ['--author <who>', 'actor to record'],
    ['--json', 'print machine-readable results'],
  ],
  examples: ['promptops archive support-reply@4 --reason "superseded by @5"'],
});
export type ArchiveOptions = OptionsOf<typeof archive>;

const handlers = () => import('./label.js');

/** `promptops label …` and `archive`. */
export const labelCommands: CommandNode[] = [
  group(
    {
      name: 'label',
      description: 'move, remove and list labels (environments are labels); every move is kept in history',
      examples: [
        'promptops label set support-reply@3 production',
        'promptops label rm support-reply staging',
        'promptops label ls',
        'promptops label history support-reply production',
      ],
    },
    [
      handle(set, async ([ref, label], o) => (await handlers()).setLabel(ref, label, o)),
      handle(rm, async ([name, label], o) => (await handlers()).removeLabel(name, label, o)),
      handle(ls, async ([name], o) => (await handlers()).listLabels(name, o)),
      handle(history, async ([name, label], o) => (await handlers()).labelHistory(name, label, o)),
    ],
  ),
  handle(archive, async ([ref], o) => (await handlers()).archive(ref, o)),
];
