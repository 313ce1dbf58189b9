import { runCli, startServe } from '../helpers.js';

/** An input of support-reply that needs no trimming: the input contract only fills a default. */
export const SUPPORT_INPUT = {
  customer: { name: 'Dana', tier: 'pro' },
  message: 'I was charged twice for my March invoice',
};

/**
 * Starts `promptops serve` (control plane and gateway) on the example project in `cwd`, with its
 * catalog pushed, support-reply@1 released to production and an admin token for the callers.
 */
export async function serveReleasedExamples(
  cwd: string,
): Promise<Awaited<ReturnType<typeof startServe>> & { token: string }> {
  const cli = (args: string[]) => runCli(args, { cwd, env: { PROMPTOPS_AUTHOR: 'admin@acme.example' } });
  const created = await cli([
    'token',
    'create',
    '--subject',
    'app@acme.example',
    '--role',
    'admin',
    '--json',
  ]);
  await cli(['push', '-m', 'first']);
  await cli(['label', 'set', 'support-reply@1', 'production']);
  return { ...(await startServe(cwd)), token: JSON.parse(created.stdout).token };
}
