import { PromptOpsError } from '../../errors.js';
import type { AlertRecord } from '../../store/index.js';
import { isOneOf, parseLimit, resolveActor, withStore } from '../context.js';
import { color, formatWhen, print, printJson, table, truncate } from '../output.js';
import type { AckAlertOptions, ListAlertsOptions, RedeliverAlertOptions } from './alerts-commands.js';

const STATUSES = ['firing', 'acknowledged', 'resolved', 'all'] as const;

/** `promptops alerts ls`: alerts, newest first; `--dead-letters` shows the deliveries that gave up. */
export async function listAlerts(options: ListAlertsOptions): Promise<number> {
  const status = options.status;
  if (status !== undefined && !isOneOf(status, STATUSES)) {
    throw new PromptOpsError('PO_ERR_USAGE', `--status must be ${STATUSES.join(', ')}, not "${status}"`);
  }
  return withStore(options, async (store) => {
    const alerts = await store.listAlerts({
      limit: parseLimit(options.limit, 50),
      ...(status !== undefined ? { status } : {}),
      ...(options.deadLetters ? { deadLetters: true } : {}),
    });
    if (options.json) printJson({ alerts });
    else if (alerts.length === 0)
      print(
        options.deadLetters
          ? 'no dead letters: every delivery was delivered or is still being retried'
          : 'no alerts',
      );
    else if (options.deadLetters)
      print(table(['ALERT', 'NAME', 'WEBHOOK', 'ATTEMPTS', 'LAST ERROR'], alerts.flatMap(deadRows)));
    else
      print(
        table(
          ['ID', 'SEVERITY', 'STATUS', 'NAME', 'FIRED', 'SUMMARY', 'DELIVERIES'],
          alerts.map((a) => [
            a.id,
            paint(a.severity),
            a.status,
            a.name,
            formatWhen(a.firedAt),
            truncate(a.summary, 60),
            a.deliveries.map((d) => `${d.webhook}: ${d.status}`).join(', ') || '-',
          ]),
        ),
      );
    return 0;
  });
}

function deadRows(alert: AlertRecord): string[][] {
  return alert.deliveries
    .filter((d) => d.status === 'dead')
    .map((d) => [alert.id, alert.name, d.webhook, String(d.attempts), truncate(d.lastError ?? '', 60)]);
}

function paint(severity: AlertRecord['severity']): string {
  return severity === 'critical'
    ? color.red(severity)
    : severity === 'warning'
      ? color.yellow(severity)
      : severity;
}

/** `promptops alerts ack ID`: someone is on it. */
export async function ackAlert(id: string, options: AckAlertOptions): Promise<number> {
  return withStore(options, async (store) => {
    const alert = await store.ackAlert(id, options.note, resolveActor(options.author));
    if (options.json) printJson(alert);
    else print(`acknowledged alert ${alert.id} (${alert.name}) as ${alert.ackedBy}`);
    return 0;
  });
}

/** `promptops alerts redeliver ID`: re-queues the alert's dead deliveries. */
export async function redeliverAlert(id: string, options: RedeliverAlertOptions): Promise<number> {
  return withStore(options, async (store) => {
    const alert = await store.redeliverAlert(id, resolveActor(options.author));
    const queued = alert.deliveries.filter((d) => d.status === 'pending' && d.attempts === 0);
    if (options.json) printJson(alert);
    else if (queued.length === 0) print(`alert ${alert.id} has no dead deliveries to redeliver`);
    else
      print(
        `re-queued alert ${alert.id} for ${queued.map((d) => d.webhook).join(', ')}; the server's delivery worker sends it on its next tick`,
      );
    return 0;
  });
}
