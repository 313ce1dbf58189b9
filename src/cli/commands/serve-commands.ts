import { type CommandNode, declare, handle, type OptionsOf } from '../declaration.js';

const serve = declare({
  name: 'serve',
  description: 'start the control-plane API (HTTP, OpenAPI at /openapi.json) on the project store',
  options: [
    ['-p, --port <port>', 'TCP port (default 4100; 0 picks a free one)'],
    ['--host <host>', 'address to listen on (default 127.0.0.1)'],
    ['--log-level <level>', 'fatal, error, warn, info, debug (default info)'],
    [
      '--monitor-every <duration>',
      'how often canary analysis, alert rules and deliveries run (default 15s; e.g. 2s for a short canary interval)',
    ],
  ],
  examples: [
    'promptops serve',
    'PROMPTOPS_DATABASE_URL=postgres://db/promptops promptops serve --host 0.0.0.0',
  ],
});
export type ServeOptions = OptionsOf<typeof serve>;

/** `promptops serve`. */
export const serveCommands: CommandNode[] = [
  handle(serve, async (_, o) => (await import('./serve.js')).serve(o)),
];
