import type { Generated } from 'kysely';

/** Table types for Kysely. Timestamps are ISO-8601 text so both engines store them alike. */
export interface Database {
  prompts: {
    id: string;
    project: string;
    name: string;
    created_at: string;
    created_by: string;
  };
  /** Immutable: rows are inserted, never updated or deleted. */
  prompt_versions: {
    id: string;
    prompt_id: string;
    number: number;
    hash: string;
    /** Canonical JSON of the PromptSpec; its sha256 is `hash`. */
    spec: string;
    author: string;
    message: string | null;
    created_at: string;
    parent_id: string | null;
  };
  version_archives: {
    version_id: string;
    archived_at: string;
    archived_by: string;
    reason: string | null;
  };
  labels: {
    prompt_id: string;
    name: string;
    version_id: string;
    updated_at: string;
    updated_by: string;
  };
  label_events: {
    id: string;
    prompt_id: string;
    label: string;
    seq: number;
    action: 'set' | 'remove';
    from_version_id: string | null;
    to_version_id: string | null;
    actor: string;
    at: string;
  };
  traces: {
    id: string;
    project: string;
    prompt: string;
    version_number: number;
    version_hash: string;
    environment: string | null;
    arm: 'stable' | 'canary' | null;
    status: 'ok' | 'error' | 'held';
    error_code: string | null;
    model: string | null;
    started_at: string;
    duration_ms: number;
    record: string;
  };
  reviews: {
    id: string;
    project: string;
    prompt: string;
    version_number: number;
    stage: 'input' | 'output';
    guardrail: string;
    status: 'pending' | 'approved' | 'rejected';
    trace_id: string;
    created_at: string;
    decided_at: string | null;
    decided_by: string | null;
    note: string | null;
    /** JSON: what is held (the checked input, or the answer) and the verdicts. */
    payload: string;
  };
  /** The drift monitor's last report per prompt and environment. */
  drift_reports: {
    project: string;
    prompt: string;
    environment: string;
    version_number: number;
    severity: string;
    computed_at: string;
    /** JSON of the DriftReport. */
    report: string;
  };
  /** Feedback on traces; several per trace. */
  feedback: {
    id: string;
    project: string;
    trace_id: string;
    prompt: string;
    version_number: number;
    environment: string | null;
    score: number | null;
    thumbs: 'up' | 'down' | null;
    /** 1 for thumbs down or a score under 0.5. */
    negative: number;
    comment: string | null;
    /** JSON of the answer the model should have given, when the reviewer wrote one. */
    corrected_output: string | null;
    subject: string;
    at: string;
  };
  /** Per-minute aggregates, one row per writer (source); readers sum the sources. */
  rollups: {
    project: string;
    prompt: string;
    version_number: number;
    /** '' when the execution had no environment. */
    environment: string;
    /** 'stable', 'canary', or '' outside a canary. */
    arm: string;
    /** Start of the minute, ISO-8601. */
    minute: string;
    source: string;
    /** JSON of the RollupValues. */
    values: string;
    updated_at: string;
  };
  /** Alerts raised by rules, canaries and drift; at most one open (firing or acknowledged) per dedupe key. */
  alerts: {
    id: string;
    project: string;
    source: 'canary' | 'drift' | 'rule';
    name: string;
    dedupe_key: string;
    severity: 'info' | 'warning' | 'critical';
    status: 'firing' | 'acknowledged' | 'resolved';
    summary: string;
    /** JSON of what the alert was raised on (a rule's value and samples, a canary's interval). */
    evidence: string;
    prompt: string | null;
    environment: string | null;
    fired_at: string;
    /** The last time the condition was seen (raised again while open). */
    updated_at: string;
    resolved_at: string | null;
    acked_by: string | null;
    acked_at: string | null;
    note: string | null;
  };
  /** One alert's notification to one webhook: retried with backoff until delivered or dead. */
  alert_deliveries: {
    alert_id: string;
    project: string;
    webhook: string;
    attempts: number;
    next_attempt_at: string;
    status: 'pending' | 'delivered' | 'dead';
    last_error: string | null;
    delivered_at: string | null;
  };
  eval_runs: {
    id: string;
    project: string;
    prompt: string;
    version_hash: string;
    started_at: string;
    passed: number;
    failed: number;
    errors: number;
    pass_rate: number;
    /** JSON of the suite result, every case included. */
    result: string;
  };
  response_cache: {
    key: string;
    project: string;
    version_hash: string;
    created_at: string;
    /** JSON of the ModelResponse. */
    response: string;
  };
  /** Append-only; each row carries the previous row's hash. */
  audit_log: {
    id: string;
    project: string;
    seq: number;
    at: string;
    actor: string;
    action: string;
    target: string;
    before: string | null;
    after: string | null;
    prev_hash: string;
    hash: string;
  };
  projects: { name: string; created_at: string; created_by: string };
  /** API tokens: `secret_hash` is a scrypt hash of the secret; the secret itself is never stored. */
  api_tokens: {
    id: string;
    subject: string;
    name: string;
    secret_hash: string;
    created_at: string;
    created_by: string;
    expires_at: string | null;
    revoked_at: string | null;
    revoked_by: string | null;
  };
  /** Web console sessions: keyed by the SHA-256 of the session id (never the id), acting as a token. */
  sessions: {
    id_hash: string;
    subject: string;
    token_id: string;
    project: string;
    created_at: string;
    expires_at: string;
  };
  role_bindings: { project: string; subject: string; role: string; created_at: string; created_by: string };
  change_requests: {
    id: string;
    project: string;
    number: number;
    prompt: string;
    version_number: number;
    version_hash: string;
    base_number: number | null;
    base_label: string | null;
    title: string;
    description: string | null;
    author: string;
    status: 'open' | 'closed' | 'released';
    /** JSON of the RiskAssessment computed when the request was opened. */
    risk: string;
    created_at: string;
    updated_at: string;
  };
  cr_checks: {
    id: string;
    cr_id: string;
    name: string;
    status: 'pass' | 'fail' | 'error' | 'skipped';
    summary: string;
    details: string | null;
    version_hash: string;
    actor: string;
    at: string;
  };
  cr_reviews: {
    id: string;
    cr_id: string;
    reviewer: string;
    decision: 'approve' | 'request_changes' | 'comment';
    comment: string | null;
    at: string;
  };
  policy_exceptions: {
    id: string;
    project: string;
    kind: string;
    target: string;
    actor: string;
    justification: string;
    details: string | null;
    at: string;
  };
  /** Immutable release history; `active` = 1 on the one row per prompt and environment in force. */
  releases: {
    id: string;
    project: string;
    prompt: string;
    environment: string;
    seq: number;
    kind: 'release' | 'canary' | 'promote' | 'rollback';
    version_number: number;
    version_hash: string;
    canary_number: number | null;
    canary_hash: string | null;
    canary_weight: number | null;
    cr_id: string | null;
    exception_id: string | null;
    notes: string | null;
    actor: string;
    at: string;
    active: number;
    /** The canary's analysis plan (JSON CanaryPlan), or null: not analysed (migration 011). */
    analysis_plan?: string | null;
    /** The analysis this canary release belongs to: the id of the release that started it. */
    analysis_id?: string | null;
  };
  /** Judged intervals of canary analyses (migration 011). */
  canary_intervals: {
    project: string;
    analysis_id: string;
    release_id: string;
    prompt: string;
    environment: string;
    canary_version: number;
    step: number;
    weight: number;
    interval_index: number;
    window_start: string;
    window_end: string;
    verdict: 'pass' | 'fail' | 'inconclusive' | 'error';
    evidence: string;
    at: string;
  };
  /** Knowledge graph revisions: each ingest, merge or unmerge that changed something. */
  graph_revisions: {
    project: string;
    number: number;
    kind: 'ingest' | 'merge' | 'unmerge';
    source: string | null;
    mode: 'complete' | 'additive' | null;
    asserted_by: string;
    created_at: string;
    added: number;
    removed: number;
  };
  /** Knowledge graph entity identities (a type and a key); never deleted, existence is a fact. */
  graph_entities: { id: number; project: string; type: string; key: string };
  /** Versioned facts about entities: existence, an alias, an attribute set; with provenance. */
  graph_facts: GraphFactColumns & {
    entity_id: number;
    kind: 'entity' | 'alias' | 'attributes';
    /** An alias fact's alias; for existence and attributes, the key the source asserted them under. */
    alias: string | null;
  };
  /** Versioned, typed, directed relations between entities; with provenance. */
  graph_relations: GraphFactColumns & { type: string; from_id: number; to_id: number };
  /** Recorded merges of one entity into another, and their reversal. */
  graph_merges: {
    id: number;
    project: string;
    survivor_id: number;
    merged_id: number;
    merged_by: string;
    merged_at: string;
    revision: number;
    unmerged_by: string | null;
    unmerged_at: string | null;
    unmerged_in: number | null;
  };
  /** Kysely's own bookkeeping table (declared so typed queries can read it in tests). */
  kysely_migration?: { name: string; timestamp: Generated<string> };
}

/** What every versioned graph fact row holds: its id, provenance and revision window. */
export interface GraphFactColumns {
  id: number;
  project: string;
  /** JSON of the attributes (null: none). */
  attributes: string | null;
  source: string;
  record_id: string | null;
  ingested_at: string;
  valid_from: string | null;
  valid_to: string | null;
  asserted_by: string;
  added_in: number;
  removed_in: number | null;
  /** The merge whose copy this row is (null: as ingested). */
  merge_id: number | null;
}
