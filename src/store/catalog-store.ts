import { randomUUID } from 'node:crypto';
import { canonicalJson } from '../catalog/canonical.js';
import { refuseInvalidSpecs } from '../catalog/check-spec.js';
import { MAX_NAME_LENGTH, NAME_PATTERN } from '../catalog/frontmatter-schema.js';
import { formatVersionRef, type VersionRef } from '../catalog/ref.js';
import { type PromptSpec, upgradeSpec } from '../catalog/spec.js';
import { PromptOpsError } from '../errors.js';
import type { AuditLog } from './audit-log.js';
import type { StoreContext, Tx } from './store-context.js';
import type {
  LabelEvent,
  LabelRecord,
  PromptSummary,
  PushItem,
  PushOutcome,
  VersionRecord,
} from './types.js';

/** Names reserved because references already use them (`NAME@latest`). */
const RESERVED_LABELS = new Set(['latest']);

/**
 * The catalog: prompts, their immutable versions, labels and label moves. Its helpers taking a
 * `Tx` run inside the caller's transaction (a release moves a label this way).
 */
export class CatalogStore {
  /** The store methods this part serves: the facade delegates them and `Store` is typed from them. */
  static readonly operations = [
    'push',
    'listPrompts',
    'listVersions',
    'resolve',
    'setLabel',
    'removeLabel',
    'listLabels',
    'labelHistory',
    'archive',
  ] as const satisfies readonly (keyof CatalogStore)[];

  constructor(
    private readonly ctx: StoreContext,
    private readonly audit: AuditLog,
  ) {}

  async push(items: readonly PushItem[], meta: { author: string; message?: string }): Promise<PushOutcome[]> {
    // Every reader trusts a stored spec, so none is kept that the catalog's own rules refuse.
    const invalid = refuseInvalidSpecs(
      items.map((item) => item.spec),
      'PO_ERR_CATALOG_INVALID',
    );
    if (invalid) throw invalid;
    return this.ctx.transact(async (trx) => {
      const at = this.ctx.now().toISOString();
      const outcomes: PushOutcome[] = [];
      for (const item of items) {
        const promptId = await this.ensurePrompt(trx, item.spec.name, meta.author, at);
        const existing = await trx
          .selectFrom('prompt_versions')
          .select(['number'])
          .where('prompt_id', '=', promptId)
          .where('hash', '=', item.hash)
          .executeTakeFirst();
        const latest = await trx
          .selectFrom('prompt_versions')
          .select(['id', 'number'])
          .where('prompt_id', '=', promptId)
          .orderBy('number', 'desc')
          .limit(1)
          .executeTakeFirst();
        if (existing) {
          outcomes.push({
            prompt: item.spec.name,
            status: existing.number === latest?.number ? 'unchanged' : 'matches',
            number: existing.number,
            hash: item.hash,
            previous: latest?.number ?? null,
          });
          continue;
        }
        const number = (latest?.number ?? 0) + 1;
        const audit = {
          actor: meta.author,
          action: 'version.create',
          target: `${item.spec.name}@${number}`,
          before: null,
          after: { hash: item.hash, message: meta.message ?? null },
          at,
        };
        await this.audit.audited(trx, audit, () =>
          trx
            .insertInto('prompt_versions')
            .values({
              id: randomUUID(),
              prompt_id: promptId,
              number,
              hash: item.hash,
              spec: canonicalJson(item.spec),
              author: meta.author,
              message: meta.message ?? null,
              created_at: at,
              parent_id: latest?.id ?? null,
            })
            .execute(),
        );
        outcomes.push({
          prompt: item.spec.name,
          status: 'created',
          number,
          hash: item.hash,
          previous: latest?.number ?? null,
        });
      }
      return outcomes;
    });
  }

  private async ensurePrompt(trx: Tx, name: string, actor: string, at: string): Promise<string> {
    const found = await this.findPrompt(trx, name);
    if (found) return found.id;
    const id = randomUUID();
    await trx
      .insertInto('prompts')
      .values({ id, project: this.ctx.project, name, created_at: at, created_by: actor })
      .execute();
    return id;
  }

  private findPrompt(trx: Tx, name: string) {
    return trx
      .selectFrom('prompts')
      .select('id')
      .where('project', '=', this.ctx.project)
      .where('name', '=', name)
      .executeTakeFirst();
  }

  /** The id of this project's prompt `name`; PO_ERR_PROMPT_NOT_FOUND when there is none. */
  async promptId(trx: Tx, name: string): Promise<string> {
    const found = await this.findPrompt(trx, name);
    if (!found) {
      throw new PromptOpsError(
        'PO_ERR_PROMPT_NOT_FOUND',
        `prompt "${name}" is not in the registry of project "${this.ctx.project}"; run "promptops push" first or check the name with "promptops versions"`,
        { prompt: name },
      );
    }
    return found.id;
  }

  async listPrompts(): Promise<PromptSummary[]> {
    const rows = await this.ctx.db
      .selectFrom('prompts as p')
      .leftJoin('prompt_versions as v', 'v.prompt_id', 'p.id')
      .select(['p.name', 'v.number', 'v.hash'])
      .where('p.project', '=', this.ctx.project)
      .orderBy('p.name')
      .orderBy('v.number')
      .execute();
    const labels = await this.listLabels();
    const byName = new Map<string, PromptSummary>();
    for (const row of rows) {
      const summary = byName.get(row.name) ?? { name: row.name, versions: 0, latest: null, labels: {} };
      if (row.number !== null && row.hash !== null) {
        summary.versions++;
        summary.latest = { number: row.number, hash: row.hash };
      }
      byName.set(row.name, summary);
    }
    for (const label of labels) {
      const summary = byName.get(label.prompt);
      if (summary) summary.labels[label.label] = label.number;
    }
    return [...byName.values()];
  }

  private versionQuery(trx: Tx) {
    return trx
      .selectFrom('prompt_versions as v')
      .innerJoin('prompts as p', 'p.id', 'v.prompt_id')
      .leftJoin('prompt_versions as parent', 'parent.id', 'v.parent_id')
      .leftJoin('version_archives as a', 'a.version_id', 'v.id')
      .select([
        'v.id',
        'p.name as prompt',
        'v.number',
        'v.hash',
        'v.spec',
        'v.author',
        'v.message',
        'v.created_at',
        'parent.number as parent_number',
        'a.archived_at',
        'a.archived_by',
        'a.reason as archive_reason',
      ])
      .where('p.project', '=', this.ctx.project);
  }

  private async toRecords(
    trx: Tx,
    rows: Awaited<ReturnType<ReturnType<CatalogStore['versionQuery']>['execute']>>,
  ): Promise<VersionRecord[]> {
    if (rows.length === 0) return [];
    const labelRows = await trx
      .selectFrom('labels')
      .select(['version_id', 'name'])
      .where(
        'version_id',
        'in',
        rows.map((r) => r.id),
      )
      .orderBy('name')
      .execute();
    return rows.map((row) => ({
      prompt: row.prompt,
      number: row.number,
      hash: row.hash,
      spec: upgradeSpec(JSON.parse(row.spec) as PromptSpec),
      author: row.author,
      message: row.message,
      createdAt: row.created_at,
      parentNumber: row.parent_number ?? null,
      labels: labelRows.filter((l) => l.version_id === row.id).map((l) => l.name),
      archived: row.archived_at
        ? { at: row.archived_at, by: row.archived_by ?? '', reason: row.archive_reason ?? null }
        : null,
    }));
  }

  async listVersions(prompt: string): Promise<VersionRecord[]> {
    const promptId = await this.promptId(this.ctx.db, prompt);
    const rows = await this.versionQuery(this.ctx.db)
      .where('v.prompt_id', '=', promptId)
      .orderBy('v.number')
      .execute();
    return this.toRecords(this.ctx.db, rows);
  }

  /** Resolves a reference to a version; throws a not-found error naming what is missing. */
  async resolve(ref: VersionRef): Promise<VersionRecord> {
    return this.resolveIn(this.ctx.db, ref);
  }

  /**
   * One query finds the version in the common case (the prompt, label and version joined); only
   * when it finds nothing do further queries work out which part is missing, for the error.
   */
  async resolveIn(trx: Tx, ref: VersionRef): Promise<VersionRecord> {
    let query = this.versionQuery(trx)
      .where('p.project', '=', this.ctx.project)
      .where('p.name', '=', ref.prompt);
    const selector = ref.selector;
    if (selector.kind === 'number') {
      query = query.where('v.number', '=', selector.number);
    } else if (selector.kind === 'label') {
      query = query.innerJoin('labels as l', (join) =>
        join.onRef('l.version_id', '=', 'v.id').on('l.name', '=', selector.label),
      );
    } else {
      query = query.where('a.version_id', 'is', null).orderBy('v.number', 'desc').limit(1);
    }
    const row = await query.executeTakeFirst();
    if (!row) {
      const promptId = await this.promptId(trx, ref.prompt);
      if (selector.kind === 'label') {
        const known = (
          await trx.selectFrom('labels').select('name').where('prompt_id', '=', promptId).execute()
        ).map((l) => l.name);
        throw new PromptOpsError(
          'PO_ERR_LABEL_NOT_FOUND',
          `prompt "${ref.prompt}" has no label "${selector.label}"; ${known.length > 0 ? `its labels are ${known.join(', ')}` : 'it has no labels yet'} (set one with "promptops label set ${ref.prompt}@N ${selector.label}")`,
          { prompt: ref.prompt, label: selector.label },
        );
      }
      throw new PromptOpsError(
        'PO_ERR_VERSION_NOT_FOUND',
        `${formatVersionRef(ref)} does not exist; list the versions with "promptops versions ${ref.prompt}"`,
        { ref: formatVersionRef(ref) },
      );
    }
    const [record] = await this.toRecords(trx, [row]);
    return record!;
  }

  /** Points `label` at a version (creating or moving it); every move is recorded. */
  async setLabel(prompt: string, number: number, label: string, actor: string): Promise<LabelEvent | null> {
    checkLabelName(label);
    return this.ctx.transact((trx) => this.setLabelIn(trx, prompt, number, label, actor));
  }

  /** Moves a label inside the caller's transaction (releases move environment labels this way). */
  async setLabelIn(
    trx: Tx,
    prompt: string,
    number: number,
    label: string,
    actor: string,
  ): Promise<LabelEvent | null> {
    const target = await this.resolveIn(trx, { prompt, selector: { kind: 'number', number } });
    if (target.archived) {
      throw new PromptOpsError(
        'PO_ERR_VERSION_ARCHIVED',
        `${prompt}@${number} is archived and cannot be labelled; label a live version instead`,
        { prompt, number },
      );
    }
    const promptId = await this.promptId(trx, prompt);
    const versionId = await this.versionId(trx, promptId, number);
    const current = await this.currentLabel(trx, promptId, label);
    if (current?.version_id === versionId) return null;
    const at = this.ctx.now().toISOString();
    if (current) {
      await trx
        .updateTable('labels')
        .set({ version_id: versionId, updated_at: at, updated_by: actor })
        .where('prompt_id', '=', promptId)
        .where('name', '=', label)
        .execute();
    } else {
      await trx
        .insertInto('labels')
        .values({
          prompt_id: promptId,
          name: label,
          version_id: versionId,
          updated_at: at,
          updated_by: actor,
        })
        .execute();
    }
    return this.recordEvent(
      trx,
      promptId,
      prompt,
      label,
      'set',
      current ?? null,
      { id: versionId, number },
      actor,
      at,
    );
  }

  /** The version a label points at now (its row id and number), if it exists. */
  private currentLabel(trx: Tx, promptId: string, label: string) {
    return trx
      .selectFrom('labels as l')
      .innerJoin('prompt_versions as v', 'v.id', 'l.version_id')
      .select(['l.version_id', 'v.number'])
      .where('l.prompt_id', '=', promptId)
      .where('l.name', '=', label)
      .executeTakeFirst();
  }

  async removeLabel(prompt: string, label: string, actor: string): Promise<LabelEvent> {
    return this.ctx.transact(async (trx) => {
      const promptId = await this.promptId(trx, prompt);
      const current = await this.currentLabel(trx, promptId, label);
      if (!current) {
        throw new PromptOpsError(
          'PO_ERR_LABEL_NOT_FOUND',
          `prompt "${prompt}" has no label "${label}" to remove; see its labels with "promptops label ls ${prompt}"`,
          {
            prompt,
            label,
          },
        );
      }
      await trx.deleteFrom('labels').where('prompt_id', '=', promptId).where('name', '=', label).execute();
      return this.recordEvent(
        trx,
        promptId,
        prompt,
        label,
        'remove',
        current,
        null,
        actor,
        this.ctx.now().toISOString(),
      );
    });
  }

  private async recordEvent(
    trx: Tx,
    promptId: string,
    prompt: string,
    label: string,
    action: 'set' | 'remove',
    from: { version_id: string; number: number } | null,
    to: { id: string; number: number } | null,
    actor: string,
    at: string,
  ): Promise<LabelEvent> {
    const last = await trx
      .selectFrom('label_events')
      .select('seq')
      .where('prompt_id', '=', promptId)
      .where('label', '=', label)
      .orderBy('seq', 'desc')
      .limit(1)
      .executeTakeFirst();
    const seq = (last?.seq ?? 0) + 1;
    const audit = {
      actor,
      action: action === 'set' ? 'label.set' : 'label.remove',
      target: `${prompt}:${label}`,
      before: from ? { version: from.number } : null,
      after: to ? { version: to.number } : null,
      at,
    };
    await this.audit.audited(trx, audit, () =>
      trx
        .insertInto('label_events')
        .values({
          id: randomUUID(),
          prompt_id: promptId,
          label,
          seq,
          action,
          from_version_id: from?.version_id ?? null,
          to_version_id: to?.id ?? null,
          actor,
          at,
        })
        .execute(),
    );
    return { prompt, label, seq, action, from: from?.number ?? null, to: to?.number ?? null, actor, at };
  }

  private async versionId(trx: Tx, promptId: string, number: number): Promise<string> {
    const row = await trx
      .selectFrom('prompt_versions')
      .select('id')
      .where('prompt_id', '=', promptId)
      .where('number', '=', number)
      .executeTakeFirstOrThrow();
    return row.id;
  }

  async listLabels(prompt?: string): Promise<LabelRecord[]> {
    let query = this.ctx.db
      .selectFrom('labels as l')
      .innerJoin('prompts as p', 'p.id', 'l.prompt_id')
      .innerJoin('prompt_versions as v', 'v.id', 'l.version_id')
      .select(['p.name as prompt', 'l.name as label', 'v.number', 'v.hash', 'l.updated_at', 'l.updated_by'])
      .where('p.project', '=', this.ctx.project);
    if (prompt !== undefined) {
      const promptId = await this.promptId(this.ctx.db, prompt);
      query = query.where('p.id', '=', promptId);
    }
    const rows = await query.orderBy('p.name').orderBy('l.name').execute();
    return rows.map((r) => ({
      prompt: r.prompt,
      label: r.label,
      number: r.number,
      hash: r.hash,
      updatedAt: r.updated_at,
      updatedBy: r.updated_by,
    }));
  }

  async labelHistory(prompt: string, label?: string): Promise<LabelEvent[]> {
    const promptId = await this.promptId(this.ctx.db, prompt);
    let query = this.ctx.db
      .selectFrom('label_events as e')
      .leftJoin('prompt_versions as f', 'f.id', 'e.from_version_id')
      .leftJoin('prompt_versions as t', 't.id', 'e.to_version_id')
      .select(['e.label', 'e.seq', 'e.action', 'f.number as from', 't.number as to', 'e.actor', 'e.at'])
      .where('e.prompt_id', '=', promptId);
    if (label !== undefined) query = query.where('e.label', '=', label);
    // One label's history is ordered by its sequence number, which clocks cannot skew.
    const ordered =
      label !== undefined
        ? query.orderBy('e.seq')
        : query.orderBy('e.at').orderBy('e.label').orderBy('e.seq');
    const rows = await ordered.execute();
    return rows.map((r) => ({
      prompt,
      label: r.label,
      seq: r.seq,
      action: r.action,
      from: r.from,
      to: r.to,
      actor: r.actor,
      at: r.at,
    }));
  }

  /** The version `label` points at, or null when the prompt has no such label. */
  async labelledVersion(
    trx: Tx,
    prompt: string,
    label: string,
  ): Promise<{ number: number; hash: string; spec: PromptSpec } | null> {
    try {
      const found = await this.resolveIn(trx, { prompt, selector: { kind: 'label', label } });
      return { number: found.number, hash: found.hash, spec: found.spec };
    } catch (err) {
      if (err instanceof PromptOpsError && err.code === 'PO_ERR_LABEL_NOT_FOUND') return null;
      throw err;
    }
  }

  /** Every move of a label, oldest first: the version it was set to, or null when removed. */
  async labelMoves(trx: Tx, prompt: string, label: string): Promise<(number | null)[]> {
    const promptId = await this.promptId(trx, prompt);
    const events = await trx
      .selectFrom('label_events as e')
      .leftJoin('prompt_versions as v', 'v.id', 'e.to_version_id')
      .select(['e.action', 'v.number'])
      .where('e.prompt_id', '=', promptId)
      .where('e.label', '=', label)
      .orderBy('e.seq')
      .execute();
    return events.map((e) => (e.action === 'remove' ? null : e.number));
  }

  /** The specs of some versions of a prompt, by number, in one query. */
  async specsOf(trx: Tx, prompt: string, numbers: readonly number[]): Promise<Map<number, PromptSpec>> {
    return (await this.specsOfMany(trx, new Map([[prompt, numbers]]))).get(prompt) ?? new Map();
  }

  /** The specs of several prompts' versions (prompt → numbers wanted) in one query. */
  async specsOfMany(
    trx: Tx,
    wanted: ReadonlyMap<string, readonly number[]>,
  ): Promise<Map<string, Map<number, PromptSpec>>> {
    const out = new Map<string, Map<number, PromptSpec>>();
    const numbers = [...new Set([...wanted.values()].flat())];
    if (numbers.length === 0) return out;
    const rows = await trx
      .selectFrom('prompt_versions as v')
      .innerJoin('prompts as p', 'p.id', 'v.prompt_id')
      .select(['p.name as prompt', 'v.number', 'v.spec'])
      .where('p.project', '=', this.ctx.project)
      .where('p.name', 'in', [...wanted.keys()])
      .where('v.number', 'in', numbers)
      .execute();
    for (const row of rows) {
      // The query asked for every number of every prompt: keep the pairs that were wanted.
      if (!wanted.get(row.prompt)?.includes(row.number)) continue;
      const specs = out.get(row.prompt) ?? new Map<number, PromptSpec>();
      out.set(row.prompt, specs.set(row.number, upgradeSpec(JSON.parse(row.spec) as PromptSpec)));
    }
    return out;
  }

  /** Marks a version archived (it stays readable, but can no longer be labelled). */
  async archive(prompt: string, number: number, actor: string, reason?: string): Promise<VersionRecord> {
    return this.ctx.transact(async (trx) => {
      const record = await this.resolveIn(trx, { prompt, selector: { kind: 'number', number } });
      if (record.archived) {
        throw new PromptOpsError('PO_ERR_VERSION_ARCHIVED', `${prompt}@${number} is already archived`, {
          prompt,
          number,
        });
      }
      if (record.labels.length > 0) {
        throw new PromptOpsError(
          'PO_ERR_VERSION_LABELLED',
          `${prompt}@${number} carries the label(s) ${record.labels.join(', ')}; move or remove them first ("promptops label rm ${prompt} ${record.labels[0]}")`,
          { prompt, number, labels: record.labels },
        );
      }
      const promptId = await this.promptId(trx, prompt);
      const at = this.ctx.now().toISOString();
      const versionId = await this.versionId(trx, promptId, number);
      const audit = {
        actor,
        action: 'version.archive',
        target: `${prompt}@${number}`,
        before: null,
        after: { reason: reason ?? null },
        at,
      };
      await this.audit.audited(trx, audit, () =>
        trx
          .insertInto('version_archives')
          .values({ version_id: versionId, archived_at: at, archived_by: actor, reason: reason ?? null })
          .execute(),
      );
      return { ...record, archived: { at, by: actor, reason: reason ?? null } };
    });
  }
}

function checkLabelName(label: string): void {
  if (!new RegExp(NAME_PATTERN).test(label) || RESERVED_LABELS.has(label)) {
    throw new PromptOpsError(
      'PO_ERR_LABEL_INVALID',
      RESERVED_LABELS.has(label)
        ? `"${label}" is reserved (NAME@latest already means the newest version); pick another label name`
        : `label "${label}" may only use letters, digits, '-' and '_', starting with a letter or digit, at most ${MAX_NAME_LENGTH} characters`,
      { label },
    );
  }
}
