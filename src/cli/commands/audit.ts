import { PromptOpsError } from '../../errors.js';
import { type GlobalOptions, parseLimit, withStore } from '../context.js';
import { color, print, printJson, table } from '../output.js';

/** `promptops audit ls`: who did what, newest first. */
export async function listAudit(options: GlobalOptions & { limit?: string }): Promise<number> {
  const limit = parseLimit(options.limit, 50);
  return withStore(options, async (store) => {
    const entries = await store.listAudit({ limit });
    if (options.json) {
      printJson({ entries });
      return 0;
    }
    if (entries.length === 0) {
      print('the audit log is empty');
      return 0;
    }
    const show = (v: unknown) => (v === null ? '-' : JSON.stringify(v));
    print(
      table(
        ['SEQ', 'WHEN', 'ACTOR', 'ACTION', 'TARGET', 'BEFORE → AFTER'],
        entries.map((e) => [
          String(e.seq),
          e.at,
          e.actor,
          e.action,
          e.target,
          `${show(e.before)} → ${show(e.after)}`,
        ]),
      ),
    );
    return 0;
  });
}

/** `promptops audit verify`: recomputes the hash chain; exit 1 naming the first broken entry. */
export async function verifyAudit(options: GlobalOptions): Promise<number> {
  return withStore(options, async (store) => {
    const { checked, broken } = await store.verifyAudit();
    if (broken) {
      throw new PromptOpsError(
        'PO_ERR_AUDIT_BROKEN',
        `the audit log is broken at entry ${broken.seq}: ${broken.reason} (${checked} entries checked)`,
        {
          checked,
          ...broken,
        },
      );
    }
    if (options.json) printJson({ checked, isIntact: true });
    else print(color.green(`audit log intact: ${checked} entr${checked === 1 ? 'y' : 'ies'} verified`));
    return 0;
  });
}
