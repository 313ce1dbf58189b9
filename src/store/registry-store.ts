import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import { canonicalJson } from '../catalog/canonical.js';
import { refuseInvalidSpecs } from '../catalog/check-spec.js';
import { MAX_NAME_LENGTH, NAME_PATTERN } from '../catalog/frontmatter-schema.js';
import { formatVersionRef, type VersionRef } from '../catalog/ref.js';
import { type PromptSpec, upgradeSpec } from '../catalog/spec.js';
import { PromptOpsError } from '../errors.js';
import type { Trace } from '../observe/trace.js';
import { auditHash, GENESIS, verifyChain } from './audit-chain.js';
import { compareState } from './audit-state.js';
import type { Database } from './schema.js';
import type {
  AuditEntry,
  AuditVerification,
  EvalRunRecord,
  LabelEvent,
  LabelRecord,
  PromptSummary,
  PushItem,
  PushOutcome,
  RegistryStore,
  ReviewRecord,
  StoreOptions,
  TraceFilter,
  VersionRecord,
} from './types.js';

export type Tx = Kysely<Database> | Transaction<Database>;

/** Attempts of a transaction that keeps meeting transient conflicts before giving up. */
const MAX_ATTEMPTS = 20;

/** Names reserved because references already use them (`NAME@latest`). */
const RESERVED_LABELS = new Set(['latest']);

/** The Kysely implementation of `RegistryStore`; it holds no engine-specific SQL. */
export class KyselyRegistryStore implements RegistryStore {
  protected readonly now: () => Date;

  constructor(
    protected readonly db: Kysely<Database>,
    private readonly options: StoreOptions,
  ) {
    this.now = options.now ?? (() => new Date());
  }

  protected get project(): string {
    return this.options.project;
  }

  /**
   * Runs `work` in a SERIALIZABLE transaction (SQLite's are by nature), retrying when the engine
   * reports a transient conflict.
   */
  protected async transact<T>(work: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.db.transaction().setIsolationLevel('serializable').execute(work);
      } catch (err) {
        if (!this.options.isRetryable?.(err)) throw err;
        if (attempt >= MAX_ATTEMPTS) {
          throw new PromptOpsError(
            'PO_ERR_STORE_CONFLICT',
            `the registry stayed busy with concurrent changes through ${MAX_ATTEMPTS} attempts; nothing was written, try again`,
            { attempts: MAX_ATTEMPTS },
          );
        }
        // Full-jitter exponential backoff (5 ms doubling, capped at 250 ms): contenders spread out.
        await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(250, 5 * 2 ** attempt)));
      }
    }
  }

  async push(items: readonly PushItem[], meta: { author: string; message?: string }): Promise<PushOutcome[]> {
    // Every reader trusts a stored spec, so none is kept that the catalog's own rules refuse.
    const invalid = refuseInvalidSpecs(
      items.map((item) => item.spec),
      'PO_ERR_CATALOG_INVALID',
    );
    if (invalid) throw invalid;
    return this.transact(async (trx) => {
      const at = this.now().toISOString();
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
        await trx
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
          .execute();
        outcomes.push({
          prompt: item.spec.name,
          status: 'created',
          number,
          hash: item.hash,
          previous: latest?.number ?? null,
        });
        await this.appendAudit(
          trx,
          meta.author,
          'version.create',
          `${item.spec.name}@${number}`,
          null,
          { hash: item.hash, message: meta.message ?? null },
          at,
        );
      }
      return outcomes;
    });
  }

  private async ensurePrompt(trx: Tx, name: string, actor: string, at: string): Promise<string> {
    const found = await trx
      .selectFrom('prompts')
      .select('id')
      .where('project', '=', this.project)
      .where('name', '=', name)
      .executeTakeFirst();
    if (found) return found.id;
    const id = randomUUID();
    await trx
      .insertInto('prompts')
      .values({ id, project: this.project, name, created_at: at, created_by: actor })
      .execute();
    return id;
  }

  protected async promptId(trx: Tx, name: string): Promise<string> {
    const found = await trx
      .selectFrom('prompts')
      .select('id')
      .where('project', '=', this.project)
      .where('name', '=', name)
      .executeTakeFirst();
    if (!found) {
      throw new PromptOpsError(
        'PO_ERR_PROMPT_NOT_FOUND',
        `prompt "${name}" is not in the registry of project "${this.project}"; run "promptops push" first or check the name with "promptops versions"`,
        { prompt: name },
      );
    }
    return found.id;
  }

  async listPrompts(): Promise<PromptSummary[]> {
    const rows = await this.db
      .selectFrom('prompts as p')
      .leftJoin('prompt_versions as v', 'v.prompt_id', 'p.id')
      .select(['p.name', 'v.number', 'v.hash'])
      .where('p.project', '=', this.project)
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
      .where('p.project', '=', this.project);
  }

  private async toRecords(
    trx: Tx,
    rows: Awaited<ReturnType<ReturnType<KyselyRegistryStore['versionQuery']>['execute']>>,
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
    const promptId = await this.promptId(this.db, prompt);
    const rows = await this.versionQuery(this.db)
      .where('v.prompt_id', '=', promptId)
      .orderBy('v.number')
      .execute();
    return this.toRecords(this.db, rows);
  }

  async resolve(ref: VersionRef): Promise<VersionRecord> {
    return this.resolveIn(this.db, ref);
  }

  /**
   * One query finds the version in the common case (the prompt, label and version joined); only
   * when it finds nothing do further queries work out which part is missing, for the error.
   */
  protected async resolveIn(trx: Tx, ref: VersionRef): Promise<VersionRecord> {
    let query = this.versionQuery(trx).where('p.project', '=', this.project).where('p.name', '=', ref.prompt);
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

  async setLabel(prompt: string, number: number, label: string, actor: string): Promise<LabelEvent | null> {
    checkLabelName(label);
    return this.transact((trx) => this.setLabelIn(trx, prompt, number, label, actor));
  }

  /** Moves a label inside the caller's transaction (releases move environment labels this way). */
  protected async setLabelIn(
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
    const at = this.now().toISOString();
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
    return this.transact(async (trx) => {
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
        this.now().toISOString(),
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
    await trx
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
      .execute();
    await this.appendAudit(
      trx,
      actor,
      action === 'set' ? 'label.set' : 'label.remove',
      `${prompt}:${label}`,
      from ? { version: from.number } : null,
      to ? { version: to.number } : null,
      at,
    );
    return { prompt, label, seq, action, from: from?.number ?? null, to: to?.number ?? null, actor, at };
  }

  /** Appends to the audit chain inside the caller's transaction, so the action and its entry commit together. */
  protected async appendAudit(
    trx: Tx,
    actor: string,
    action: string,
    target: string,
    before: unknown,
    after: unknown,
    at: string,
  ): Promise<void> {
    const last = await trx
      .selectFrom('audit_log')
      .select(['seq', 'hash'])
      .where('project', '=', this.project)
      .orderBy('seq', 'desc')
      .limit(1)
      .executeTakeFirst();
    const fields = {
      seq: (last?.seq ?? 0) + 1,
      at,
      actor,
      action,
      target,
      before: before ?? null,
      after: after ?? null,
      prevHash: last?.hash ?? GENESIS,
    };
    await trx
      .insertInto('audit_log')
      .values({
        id: randomUUID(),
        project: this.project,
        seq: fields.seq,
        at,
        actor,
        action,
        target,
        before: fields.before === null ? null : JSON.stringify(fields.before),
        after: fields.after === null ? null : JSON.stringify(fields.after),
        prev_hash: fields.prevHash,
        hash: auditHash(fields),
      })
      .execute();
  }

  async listAudit(filter: { limit?: number } = {}): Promise<AuditEntry[]> {
    const rows = await this.db
      .selectFrom('audit_log')
      .selectAll()
      .where('project', '=', this.project)
      .orderBy('seq', 'desc')
      .limit(filter.limit ?? 100)
      .execute();
    return rows.map(toAuditEntry);
  }

  async verifyAudit(options: { at?: number } = {}): Promise<AuditVerification> {
    // One transaction, so the chain and the tables are read at the same moment.
    const { rows, labels, releases } = await this.transact(async (trx) => ({
      rows: await trx
        .selectFrom('audit_log')
        .selectAll()
        .where('project', '=', this.project)
        .orderBy('seq')
        .execute(),
      labels: await trx
        .selectFrom('labels as l')
        .innerJoin('prompts as p', 'p.id', 'l.prompt_id')
        .innerJoin('prompt_versions as v', 'v.id', 'l.version_id')
        .select(['p.name as prompt', 'l.name as label', 'v.number as version', 'v.hash'])
        .where('p.project', '=', this.project)
        .execute(),
      releases: await trx
        .selectFrom('releases')
        .select([
          'prompt',
          'environment',
          'seq',
          'version_number',
          'version_hash',
          'canary_number',
          'canary_weight',
        ])
        .where('project', '=', this.project)
        .where('active', '=', 1)
        .execute(),
    }));
    const entries = rows.map(toAuditEntry);
    const last = entries.at(-1);
    const asked = options.at === undefined ? undefined : entries.find((e) => e.seq === options.at);
    return {
      project: this.project,
      checked: entries.length,
      broken: verifyChain(entries),
      head: last ? { seq: last.seq, hash: last.hash } : null,
      ...(options.at === undefined ? {} : { entry: asked ? { seq: asked.seq, hash: asked.hash } : null }),
      mismatches: compareState(entries, {
        labels,
        releases: releases.map((r) => ({
          prompt: r.prompt,
          environment: r.environment,
          release: r.seq,
          version: r.version_number,
          hash: r.version_hash,
          canary:
            r.canary_number !== null && r.canary_weight !== null
              ? { version: r.canary_number, weight: r.canary_weight }
              : null,
        })),
      }),
    };
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
    let query = this.db
      .selectFrom('labels as l')
      .innerJoin('prompts as p', 'p.id', 'l.prompt_id')
      .innerJoin('prompt_versions as v', 'v.id', 'l.version_id')
      .select(['p.name as prompt', 'l.name as label', 'v.number', 'v.hash', 'l.updated_at', 'l.updated_by'])
      .where('p.project', '=', this.project);
    if (prompt !== undefined) {
      const promptId = await this.promptId(this.db, prompt);
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
    const promptId = await this.promptId(this.db, prompt);
    let query = this.db
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

  async archive(prompt: string, number: number, actor: string, reason?: string): Promise<VersionRecord> {
    return this.transact(async (trx) => {
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
      const at = this.now().toISOString();
      await trx
        .insertInto('version_archives')
        .values({
          version_id: await this.versionId(trx, promptId, number),
          archived_at: at,
          archived_by: actor,
          reason: reason ?? null,
        })
        .execute();
      await this.appendAudit(
        trx,
        actor,
        'version.archive',
        `${prompt}@${number}`,
        null,
        { reason: reason ?? null },
        at,
      );
      return { ...record, archived: { at, by: actor, reason: reason ?? null } };
    });
  }

  async writeTraces(traces: readonly Trace[]): Promise<void> {
    if (traces.length === 0) return;
    await this.transact(async (trx) => {
      for (const query of this.traceInserts(trx, traces)) await query.execute();
    });
  }

  /** The inserts for a batch of traces, chunked to stay under the engines' bound-parameter limits. */
  protected traceInserts(db: Tx, traces: readonly Trace[]) {
    const queries = [];
    for (let i = 0; i < traces.length; i += 50) {
      queries.push(
        db.insertInto('traces').values(
          traces.slice(i, i + 50).map((t) => ({
            id: t.id,
            project: t.project,
            prompt: t.prompt,
            version_number: t.version.number,
            version_hash: t.version.hash,
            environment: t.environment,
            status: t.status,
            error_code: t.error?.code ?? null,
            model: t.model,
            started_at: t.startedAt,
            duration_ms: storableReal(t.timings.total),
            record: JSON.stringify(t),
          })),
        ),
      );
    }
    return queries;
  }

  async listTraces(filter: TraceFilter = {}): Promise<Trace[]> {
    let query = this.db.selectFrom('traces').select('record').where('project', '=', this.project);
    if (filter.prompt !== undefined) query = query.where('prompt', '=', filter.prompt);
    if (filter.status !== undefined) query = query.where('status', '=', filter.status);
    if (filter.version !== undefined) query = query.where('version_number', '=', filter.version);
    if (filter.environment !== undefined) query = query.where('environment', '=', filter.environment);
    // Traces record toISOString() times; the bounds are written the same way so text order is time order.
    if (filter.since !== undefined)
      query = query.where('started_at', '>=', new Date(filter.since).toISOString());
    if (filter.until !== undefined)
      query = query.where('started_at', '<', new Date(filter.until).toISOString());
    const rows = await query
      .orderBy('started_at', 'desc')
      .orderBy('id')
      .limit(filter.limit ?? 50)
      .execute();
    return rows.map((r) => JSON.parse(r.record) as Trace);
  }

  async getTrace(id: string): Promise<Trace> {
    const row = await this.db
      .selectFrom('traces')
      .select('record')
      .where('project', '=', this.project)
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row) {
      throw new PromptOpsError(
        'PO_ERR_TRACE_NOT_FOUND',
        `no trace ${id} in project "${this.project}"; "promptops traces" lists the recent ones`,
        { id },
      );
    }
    return JSON.parse(row.record) as Trace;
  }

  async createReview(
    review: Omit<ReviewRecord, 'status' | 'decidedAt' | 'decidedBy' | 'note'>,
  ): Promise<ReviewRecord> {
    await this.db
      .insertInto('reviews')
      .values({
        id: review.id,
        project: this.project,
        prompt: review.prompt,
        version_number: review.versionNumber,
        stage: review.stage,
        guardrail: review.guardrail,
        status: 'pending',
        trace_id: review.traceId,
        created_at: review.createdAt,
        decided_at: null,
        decided_by: null,
        note: null,
        payload: JSON.stringify(review.payload),
      })
      .execute();
    return { ...review, status: 'pending', decidedAt: null, decidedBy: null, note: null };
  }

  async getReview(id: string): Promise<ReviewRecord> {
    const row = await this.db
      .selectFrom('reviews')
      .selectAll()
      .where('project', '=', this.project)
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row) {
      throw new PromptOpsError(
        'PO_ERR_REVIEW_NOT_FOUND',
        `review ${id} does not exist; list reviews with "promptops review ls"`,
        { review: id },
      );
    }
    return toReview(row);
  }

  async listReviews(
    filter: { status?: ReviewRecord['status']; limit?: number } = {},
  ): Promise<ReviewRecord[]> {
    let query = this.db.selectFrom('reviews').selectAll().where('project', '=', this.project);
    if (filter.status) query = query.where('status', '=', filter.status);
    const rows = await query
      .orderBy('created_at', 'desc')
      .orderBy('id')
      .limit(filter.limit ?? 50)
      .execute();
    return rows.map(toReview);
  }

  async decideReview(
    id: string,
    decision: 'approved' | 'rejected',
    actor: string,
    note?: string,
  ): Promise<ReviewRecord> {
    return this.transact(async (trx) => {
      const at = this.now().toISOString();
      const result = await trx
        .updateTable('reviews')
        .set({ status: decision, decided_at: at, decided_by: actor, note: note ?? null })
        .where('project', '=', this.project)
        .where('id', '=', id)
        .where('status', '=', 'pending')
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) === 0) {
        const current = await trx
          .selectFrom('reviews')
          .selectAll()
          .where('project', '=', this.project)
          .where('id', '=', id)
          .executeTakeFirst();
        if (!current)
          throw new PromptOpsError('PO_ERR_REVIEW_NOT_FOUND', `review ${id} does not exist`, { review: id });
        throw new PromptOpsError(
          'PO_ERR_REVIEW_DECIDED',
          `review ${id} was already ${current.status} by ${current.decided_by} at ${current.decided_at}`,
          {
            review: id,
            status: current.status,
          },
        );
      }
      const row = await trx.selectFrom('reviews').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
      await this.appendAudit(
        trx,
        actor,
        decision === 'approved' ? 'review.approve' : 'review.reject',
        `review:${id}`,
        { status: 'pending' },
        { status: decision, note: note ?? null },
        at,
      );
      return toReview(row);
    });
  }

  async readResponseCache(versionHashes: readonly string[]): Promise<Map<string, unknown>> {
    if (versionHashes.length === 0) return new Map();
    const rows = await this.db
      .selectFrom('response_cache')
      .select(['key', 'response'])
      .where('project', '=', this.project)
      .where('version_hash', 'in', [...versionHashes])
      .execute();
    return new Map(rows.map((r) => [r.key, JSON.parse(r.response) as unknown]));
  }

  async writeResponseCache(
    entries: readonly { key: string; versionHash: string; response: unknown }[],
  ): Promise<void> {
    if (entries.length === 0) return;
    const at = this.now().toISOString();
    await this.transact(async (trx) => {
      for (let i = 0; i < entries.length; i += 100) {
        await trx
          .insertInto('response_cache')
          .values(
            entries.slice(i, i + 100).map((e) => ({
              key: e.key,
              project: this.project,
              version_hash: e.versionHash,
              created_at: at,
              response: JSON.stringify(e.response),
            })),
          )
          .onConflict((oc) => oc.column('key').doNothing())
          .execute();
      }
    });
  }

  async recordEvalRun(run: EvalRunRecord): Promise<void> {
    await this.db
      .insertInto('eval_runs')
      .values({
        id: run.id,
        project: this.project,
        prompt: run.prompt,
        version_hash: run.versionHash,
        started_at: run.startedAt,
        passed: run.passed,
        failed: run.failed,
        errors: run.errors,
        pass_rate: storableReal(run.passRate),
        result: JSON.stringify(run.result),
      })
      .execute();
  }

  async listEvalRuns(
    filter: { prompt?: string; versionHash?: string; limit?: number } = {},
  ): Promise<EvalRunRecord[]> {
    let query = this.db.selectFrom('eval_runs').selectAll().where('project', '=', this.project);
    if (filter.prompt !== undefined) query = query.where('prompt', '=', filter.prompt);
    if (filter.versionHash !== undefined) query = query.where('version_hash', '=', filter.versionHash);
    const rows = await query
      .orderBy('started_at', 'desc')
      .orderBy('id')
      .limit(filter.limit ?? 20)
      .execute();
    return rows.map((r) => ({
      id: r.id,
      prompt: r.prompt,
      versionHash: r.version_hash,
      startedAt: r.started_at,
      passed: r.passed,
      failed: r.failed,
      errors: r.errors,
      passRate: r.pass_rate,
      result: JSON.parse(r.result) as unknown,
    }));
  }

  private closing = false;
  get closed(): boolean {
    return this.closing;
  }

  isUnavailable(err: unknown): boolean {
    // Once closed (a shutdown under a request), any failure is that: the request belongs elsewhere.
    return this.closed || (this.options.isUnavailable?.(err) ?? false);
  }

  async close(): Promise<void> {
    this.closing = true;
    await this.db.destroy();
    await this.options.onClose?.();
  }

  /**
   * The same store seen as another project: it shares this store's connection (a server holds one
   * pool for every project), and closing it does nothing; close the store it came from.
   */
  forProject(project: string): this {
    const view = Object.create(this) as this;
    Object.defineProperty(view, 'options', { value: { ...this.options, project, onClose: undefined } });
    Object.defineProperty(view, 'close', { value: async () => {} });
    return view;
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

function toReview(row: Database['reviews']): ReviewRecord {
  return {
    id: row.id,
    prompt: row.prompt,
    versionNumber: row.version_number,
    stage: row.stage,
    guardrail: row.guardrail,
    status: row.status,
    traceId: row.trace_id,
    createdAt: row.created_at,
    decidedAt: row.decided_at,
    decidedBy: row.decided_by,
    note: row.note,
    payload: JSON.parse(row.payload) as Record<string, unknown>,
  };
}

function toAuditEntry(row: Database['audit_log']): AuditEntry {
  return {
    seq: row.seq,
    at: row.at,
    actor: row.actor,
    action: row.action,
    target: row.target,
    before: row.before === null ? null : (JSON.parse(row.before) as unknown),
    after: row.after === null ? null : (JSON.parse(row.after) as unknown),
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

/**
 * A number as a `real` column keeps it on every engine: PostgreSQL's (float4) refuses values too
 * small for it rather than rounding them, and at that size a duration or a rate is zero.
 */
function storableReal(value: number): number {
  return Math.abs(value) < 1e-30 ? 0 : value;
}
