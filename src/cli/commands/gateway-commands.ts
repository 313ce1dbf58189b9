import { type CommandNode, declare, handle, type OptionsOf } from '../declaration.js';

const gateway = declare({
  name: 'gateway',
  description:
    'serve released prompts to applications (run, OpenAI-compatible chat completions, prompt reads), following a control plane',
  options: [
    ['-p, --port <port>', 'TCP port (default 4200; 0 picks a free one)'],
    ['--host <host>', 'address to listen on (default 127.0.0.1)'],
    [
      '--environments <names>',
      "environments to serve, comma-separated (default: promptops.yaml's environments)",
    ],
    [
      '--environment <name>',
      'the environment a request that names none is served from (default: production if served, else the first)',
    ],
    [
      '--state-dir <dir>',
      'where last-known-good snapshots and the trace spool are kept (default .promptops/gateway)',
    ],
    [
      '--spool-max-mb <mb>',
      'most unshipped traces kept on disk while the control plane is away (default 256)',
    ],
    ['--provider <name>', 'run every model call on this provider (e.g. offline, for demos and tests)'],
    ['--log-level <level>', 'fatal, error, warn, info, debug (default info)'],
  ],
  examples: [
    'PROMPTOPS_URL=http://control-plane:4100 PROMPTOPS_TOKEN=$GATEWAY_TOKEN promptops gateway',
    'promptops gateway --environments production,staging --environment production --port 8080',
  ],
});
export type GatewayOptions = OptionsOf<typeof gateway>;

/** `promptops gateway`. */
export const gatewayCommands: CommandNode[] = [
  handle(gateway, async (_, o) => (await import('./gateway.js')).gateway(o)),
];
