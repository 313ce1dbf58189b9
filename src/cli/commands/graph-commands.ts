import { type CommandNode, declare, group, handle, type OptionsOf } from '../declaration.js';

const ingest = declare({
  name: 'ingest',
  description:
    'ingest a YAML, JSON or CSV file of entities and relations as a new graph revision (none when nothing changed)',
  arguments: [['<file>', 'the file (YAML/JSON `entities:` and `relations:`, or records with a mapping)']],
  options: [
    ['--source <name>', "where the facts come from (default: the file's name)"],
    ['--mapping <file>', 'a YAML mapping of record columns to type, key, aliases, attributes and relations'],
    ['--type <type>', 'without --mapping: every record is an entity of this type'],
    ['--key <column>', 'without --mapping: the column holding the key (default: key)'],
    ['--complete', 'the file is everything the source asserts: its facts the file leaves out are removed'],
    ['--author <email>', 'who asserts the facts (default: git user.email)'],
    ['--json', 'print the outcome as JSON'],
  ],
  examples: [
    'promptops graph ingest graph/customers.yaml --source crm --complete',
    'promptops graph ingest orders.csv --source shop --mapping graph/orders-mapping.yaml',
  ],
});
export type GraphIngestOptions = OptionsOf<typeof ingest>;

const revisions = declare({
  name: 'revisions',
  description: 'the graph revisions, newest first: what made each and how many facts it added and removed',
  options: [['--json', 'print machine-readable results']],
  examples: ['promptops graph revisions'],
});
export type GraphRevisionsOptions = OptionsOf<typeof revisions>;

const show = declare({
  name: 'show',
  description: 'an entity with its facts and provenance, and (with --depth) the relations around it',
  arguments: [['<entity>', 'TYPE:KEY (or an alias in place of the key)']],
  options: [
    ['--revision <n>', 'read this revision (default the latest)'],
    ['--depth <n>', 'also follow relations this many hops (1 to 8)'],
    ['--relations <types>', 'with --depth: only these relation types (comma-separated)'],
    ['--direction <dir>', 'with --depth: out (default), in (what points at it) or both'],
    ['--limit <n>', 'with --depth: at most this many relations (default 100)'],
    ['--json', 'print machine-readable results'],
  ],
  examples: [
    'promptops graph show customer:c-1001 --depth 2',
    'promptops graph show policy:refund-policy-2026 --depth 4 --direction in',
  ],
});
export type GraphShowOptions = OptionsOf<typeof show>;

const diff = declare({
  name: 'diff',
  description: 'what changed between two graph revisions: facts added, removed, and attribute sets changed',
  arguments: [
    ['<from>', 'the older revision (a number, or rN)'],
    ['<to>', 'the newer revision'],
  ],
  options: [['--json', 'print machine-readable results']],
  examples: ['promptops graph diff r1 r2'],
});
export type GraphDiffOptions = OptionsOf<typeof diff>;

const merge = declare({
  name: 'merge',
  description: 'merge one entity into another of its type (recorded, reversible with `graph unmerge`)',
  arguments: [
    ['<survivor>', 'TYPE:KEY of the entity that stays'],
    ['<merged>', 'TYPE:KEY of the entity merged into it'],
  ],
  options: [
    ['--author <email>', 'who merges (default: git user.email)'],
    ['--json', 'print machine-readable results'],
  ],
  examples: ['promptops graph merge customer:c-1001 customer:ada@acme.example'],
});
export type GraphMergeOptions = OptionsOf<typeof merge>;

const unmerge = declare({
  name: 'unmerge',
  description: "reverse an entity's merge: its facts return to it in a new revision",
  arguments: [['<merged>', 'TYPE:KEY of the merged entity, as it was ingested']],
  options: [
    ['--author <email>', 'who unmerges (default: git user.email)'],
    ['--json', 'print machine-readable results'],
  ],
  examples: ['promptops graph unmerge customer:ada@acme.example'],
});
export type GraphUnmergeOptions = OptionsOf<typeof unmerge>;

const graph = declare({
  name: 'graph',
  description: 'the knowledge graph: ingest facts, read revisions, diff them, merge entities',
});

const handlers = () => import('./graph.js');

/** `promptops graph ...`. */
export const graphCommands: CommandNode[] = [
  group(graph, [
    handle(ingest, async ([file], o) => (await handlers()).graphIngest(file, o)),
    handle(revisions, async (_args, o) => (await handlers()).graphRevisions(o)),
    handle(show, async ([entity], o) => (await handlers()).graphShow(entity, o)),
    handle(diff, async ([from, to], o) => (await handlers()).graphDiff(from, to, o)),
    handle(merge, async ([survivor, merged], o) => (await handlers()).graphMerge(survivor, merged, o)),
    handle(unmerge, async ([merged], o) => (await handlers()).graphUnmerge(merged, o)),
  ]),
];
