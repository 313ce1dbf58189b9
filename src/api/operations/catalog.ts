/**
 * The catalog's operations (store/catalog-store.ts): prompts, their immutable versions and the
 * labels that point at them.
 */
import Type from 'typebox';
import { hashSpec } from '../../catalog/canonical.js';
import { PromptOpsError } from '../../errors.js';
import type { CatalogStore } from '../../store/catalog-store.js';
import type { PushItem, Store } from '../../store/types.js';
import type { OperationTable, ServedBy } from '../operation.js';
import {
  closed,
  Int,
  LabelEventSchema,
  LabelRecordSchema,
  PromptSummarySchema,
  PushItemSchema,
  PushOutcomeSchema,
  Str,
  Text,
  VersionRecordSchema,
} from '../schemas.js';
import { wholeNumber } from '../wire.js';
import { actor, field, list, P, path, queryField } from './shorthand.js';

/** The catalog's entries in the operation table. */
export const CATALOG_OPERATIONS: OperationTable<ServedBy<typeof CatalogStore>> = {
  listPrompts: {
    method: 'GET',
    path: `${P}/prompts`,
    permission: 'read',
    tag: 'catalog',
    summary: 'List prompts with their latest version and labels',
    output: list(PromptSummarySchema),
    args: [],
  },
  push: {
    method: 'POST',
    path: `${P}/prompts/push`,
    permission: 'version.push',
    tag: 'catalog',
    summary:
      'Register new immutable versions (idempotent); each spec must be valid (as lint checks it) and match its hash',
    body: closed({ items: Type.Array(PushItemSchema, { maxItems: 1000 }), message: Type.Optional(Text) }),
    output: list(PushOutcomeSchema),
    audit: ['version.create'],
    args: [field('items'), { in: 'actor', field: 'author' }],
    encode: ([items, meta]) => {
      const { message } = meta as { message?: string };
      return { body: { items, ...(message ? { message } : {}) } };
    },
    decode: ({ body }, author) => {
      const items = body.items as PushItem[];
      for (const item of items) {
        // A hash is the client's claim; the spec's own rules are the store's to check (it refuses first).
        if (hashSpec(item.spec) !== item.hash) {
          throw new PromptOpsError(
            'PO_ERR_REQUEST_INVALID',
            `the spec of ${item.spec.name} does not hash to ${item.hash.slice(0, 12)}; push the files again`,
            { prompt: item.spec.name },
          );
        }
      }
      return [items, { author, ...(body.message ? { message: body.message } : {}) }];
    },
    // The same rules as a local push (lint), refused before anything is written; over HTTP a bad request.
    refusals: { PO_ERR_CATALOG_INVALID: 'PO_ERR_REQUEST_INVALID' },
  },
  listVersions: {
    method: 'GET',
    path: `${P}/prompts/:prompt/versions`,
    permission: 'read',
    tag: 'catalog',
    summary: 'List the versions of a prompt, newest first',
    output: list(VersionRecordSchema),
    args: [path('prompt')],
  },
  resolve: {
    method: 'GET',
    path: `${P}/prompts/:prompt/resolve`,
    permission: 'read',
    tag: 'catalog',
    summary: 'Resolve a version by number (?version=), by label (?label=) or the latest',
    query: closed({
      version: Type.Optional(Type.String({ pattern: '^[0-9]+$' })),
      label: Type.Optional(Str),
    }),
    output: VersionRecordSchema,
    args: [path('prompt')],
    encode: ([ref]) => {
      const { prompt, selector: s } = ref as Parameters<Store['resolve']>[0];
      return {
        params: { prompt },
        query: {
          version: s.kind === 'number' ? String(s.number) : undefined,
          label: s.kind === 'label' ? s.label : undefined,
        },
      };
    },
    decode: ({ params, query }) => [
      {
        prompt: params.prompt,
        selector: query.version
          ? { kind: 'number', number: wholeNumber(query.version, 'version') }
          : query.label
            ? { kind: 'label', label: query.label }
            : { kind: 'latest' },
      },
    ],
  },
  archive: {
    method: 'POST',
    path: `${P}/prompts/:prompt/versions/:number/archive`,
    permission: 'version.archive',
    tag: 'catalog',
    summary: 'Archive an unlabelled version',
    body: closed({ reason: Type.Optional(Text) }),
    output: VersionRecordSchema,
    audit: ['version.archive'],
    args: [path('prompt'), path('number', (text) => wholeNumber(text, 'version')), actor, field('reason')],
  },
  listLabels: {
    method: 'GET',
    path: `${P}/labels`,
    permission: 'read',
    tag: 'labels',
    summary: 'List labels (optionally of one prompt)',
    query: closed({ prompt: Type.Optional(Str) }),
    output: list(LabelRecordSchema),
    args: [queryField('prompt')],
  },
  setLabel: {
    method: 'POST',
    path: `${P}/prompts/:prompt/labels/:label`,
    permission: 'label.set',
    tag: 'labels',
    summary: 'Point a label at a version (environment labels move only through releases, or by an admin)',
    body: closed({ version: Int }),
    output: Type.Union([LabelEventSchema, Type.Null()]),
    audit: ['label.set'],
    args: [path('prompt'), field('version'), path('label'), actor],
    guardsEnvironmentLabel: true,
  },
  removeLabel: {
    method: 'DELETE',
    path: `${P}/prompts/:prompt/labels/:label`,
    permission: 'label.set',
    tag: 'labels',
    summary: 'Remove a label',
    output: LabelEventSchema,
    audit: ['label.remove'],
    args: [path('prompt'), path('label'), actor],
    guardsEnvironmentLabel: true,
  },
  labelHistory: {
    method: 'GET',
    path: `${P}/prompts/:prompt/label-history`,
    permission: 'read',
    tag: 'labels',
    summary: 'Every move of the prompt’s labels',
    query: closed({ label: Type.Optional(Str) }),
    output: list(LabelEventSchema),
    args: [path('prompt'), queryField('label')],
  },
};
