import type { ChecksRun } from '../api/operation.js';
import { specProblems } from '../catalog/check-spec.js';
import type { Diagnostic } from '../catalog/diagnostics.js';
import type { ProjectDependencies } from '../compose.js';
import { PromptOpsError } from '../errors.js';
import { runChangeChecks } from '../eval/change-checks.js';
import { evalSettings, loadSuites } from '../eval/suite-files.js';
import { requireOpen } from '../governance/change-request.js';
import { CONTROL_PLANE } from '../governance/policy.js';
import { loadCatalog, type Workspace } from '../project/workspace.js';
import type { Store, VersionRecord } from '../store/index.js';

/**
 * The control plane's own check runs (`POST …/change-requests/{n}/checks/run`) on its project folder
 * `ws` (the catalog checkout `serve` runs in): the change request's registered version and its base
 * come from the store, never from a working copy; the suite and the eval settings come from the
 * folder; each suite run gets providers of its own from `dependencies`. The results are recorded as
 * `control-plane`, the subject no token can hold. A request for a change request whose checks are
 * running joins that run (a retry or a second click does not start another suite of minutes, nor
 * record every check twice).
 */
export function controlPlaneChecks(
  ws: Workspace,
  dependencies: () => Promise<ProjectDependencies>,
): (store: Store, project: string, number: number) => Promise<ChecksRun> {
  const running = new Map<string, Promise<ChecksRun>>();
  const run = checksRun(ws, dependencies);
  return (store, project, number) => {
    const key = `${project}#${number}`;
    let pending = running.get(key);
    if (!pending) {
      pending = run(store, project, number).finally(() => running.delete(key));
      running.set(key, pending);
    }
    return pending;
  };
}

/** One run of a change request's checks on the control plane, recorded as `control-plane`. */
function checksRun(
  ws: Workspace,
  dependencies: () => Promise<ProjectDependencies>,
): (store: Store, project: string, number: number) => Promise<ChecksRun> {
  return async (store, project, number) => {
    if (project !== ws.config.project) {
      throw new PromptOpsError(
        'PO_ERR_CHECKS_UNAVAILABLE',
        `this server's folder holds the catalog of project "${ws.config.project}", not of "${project}": its suites cannot check the change requests of "${project}"; record their checks from CI with a ci token`,
        { project, folder: ws.config.project },
      );
    }
    const cr = await store.getChangeRequest(number);
    // Refused before a suite runs for minutes only to have its results refused.
    requireOpen(cr);
    const version = (n: number) =>
      store.resolve({ prompt: cr.prompt, selector: { kind: 'number', number: n } });
    const candidate = await version(cr.version);
    const catalog = await loadCatalog(ws);
    const entry = catalog.entries.find((e) => e.spec.name === cr.prompt);
    const { suites, diagnostics: suiteProblems } = entry
      ? await loadSuites([entry], [cr.prompt])
      : { suites: [], diagnostics: [] };
    const suite = suites[0]?.suite;
    const checks = await runChangeChecks(dependencies, {
      change: cr,
      candidate,
      baseline: suite && cr.base !== null ? await version(cr.base) : null,
      diagnostics: registeredSpecDiagnostics(candidate),
      suite,
      suiteProblems,
      tolerance: 0,
      run: { concurrency: 8, ...evalSettings(ws, catalog.entries) },
    });
    let changeRequest = cr;
    for (const check of checks) changeRequest = await store.recordCheck(cr.number, check, CONTROL_PLANE);
    return { checks, changeRequest };
  };
}

/**
 * Lint of a registered version: there is no source file on the server, only the canonical spec, so
 * the spec-level rules (`specProblems`, which every push already passed) are what it can check.
 */
function registeredSpecDiagnostics(record: VersionRecord): Diagnostic[] {
  return specProblems(record.spec).map((message) => ({
    file: `${record.prompt}@${record.number}`,
    line: 1,
    col: 1,
    severity: 'error',
    rule: 'spec-invalid',
    message,
  }));
}
