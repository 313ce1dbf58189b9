/**
 * Every environment variable promptops reads, with what it does. docs/cli.md is generated from
 * this table (scripts/gen-docs.ts), and test/docs/reference.test.ts fails when the code names a
 * `PROMPTOPS_*` variable that is not listed here. Provider API keys are not listed: they come from
 * the providers' `apiKeyEnv` (BUILTIN_PROVIDERS and promptops.yaml).
 */
export const ENVIRONMENT_VARIABLES: readonly { name: string; meaning: string }[] = [
  {
    name: 'PROMPTOPS_URL',
    meaning:
      'Talk to a `promptops serve` control plane at this URL instead of the local database (remote mode); every registry command then goes through the server.',
  },
  {
    name: 'PROMPTOPS_TOKEN',
    meaning:
      'The API token for `PROMPTOPS_URL`; wins over the token `promptops login` saved. Also the default of `login --token`.',
  },
  {
    name: 'PROMPTOPS_GATEWAY_URL',
    meaning:
      'The gateway the SDK and `@promptops/client` run prompts through (`promptops gateway`), when it is not the control plane at `PROMPTOPS_URL` (whose `serve` has one built in).',
  },
  {
    name: 'PROMPTOPS_PROJECT',
    meaning:
      "The server's project to work on in remote mode; overrides `project` in promptops.yaml and lets commands that need no local files run outside a project folder.",
  },
  {
    name: 'PROMPTOPS_DATABASE_URL',
    meaning:
      'The registry database (`sqlite:PATH` or `postgres://…`), overriding `store.url` in promptops.yaml; used by local commands and by `promptops serve`.',
  },
  {
    name: 'PROMPTOPS_AUTHOR',
    meaning: 'Who is acting, when `--author` is not given; before git `user.email` and the OS user name.',
  },
  {
    name: 'PROMPTOPS_DEBUG',
    meaning:
      'Set to `1` to print the stack trace of an internal error, and the lint diagnostics of invalid files in `status`.',
  },
  {
    name: 'PROMPTOPS_AUDIT_SIGNING_KEY',
    meaning:
      'Ed25519 private key (PKCS#8 PEM, or a path to it) that `audit checkpoint` signs with; `audit verify --checkpoint` can check with it too.',
  },
  {
    name: 'PROMPTOPS_AUDIT_PUBLIC_KEY',
    meaning: 'Ed25519 public key (SPKI PEM, or a path to it) that `audit verify --checkpoint` checks with.',
  },
  {
    name: 'PROMPTOPS_NO_CODE_CACHE',
    meaning: "Set to `1` to turn off the CLI's V8 code cache (a faster start-up, kept in the cache folder).",
  },
  {
    name: 'PROMPTOPS_CACHE_DIR',
    meaning:
      'Folder for the code cache (default: `$XDG_CACHE_HOME`, else `~/.cache`; a `promptops/` folder inside).',
  },
  {
    name: 'OTEL_EXPORTER_OTLP_ENDPOINT',
    meaning:
      'Turns on trace export from `promptops gateway` and `serve`: every execution is sent as OpenTelemetry spans over OTLP/HTTP (JSON) to this base URL (`/v1/traces` is added). Off when unset.',
  },
  {
    name: 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT',
    meaning:
      'The full OTLP/HTTP traces URL; wins over `OTEL_EXPORTER_OTLP_ENDPOINT` and also turns export on.',
  },
  {
    name: 'OTEL_EXPORTER_OTLP_HEADERS',
    meaning: "Headers sent with every export (`key=value,key2=value2`), e.g. a collector's API key.",
  },
  {
    name: 'OTEL_SERVICE_NAME',
    meaning:
      'The `service.name` of exported spans (default `promptops-gateway`); `OTEL_RESOURCE_ATTRIBUTES` adds others.',
  },
  {
    name: 'XDG_CONFIG_HOME',
    meaning:
      'Where `promptops login` keeps tokens: `$XDG_CONFIG_HOME/promptops/credentials.json` (default `~/.config/…`), readable only by you.',
  },
  { name: 'XDG_CACHE_HOME', meaning: 'Base of the code cache folder when `PROMPTOPS_CACHE_DIR` is not set.' },
  {
    name: 'NO_COLOR',
    meaning: 'Set to anything to turn off colours (also off when output is not a terminal or `TERM=dumb`).',
  },
  { name: 'FORCE_COLOR', meaning: 'Set to anything to keep colours when output is not a terminal.' },
];
