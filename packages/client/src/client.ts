import { type CachedPrompt, LastKnownGood } from './cache.js';
import { withDefaults } from './defaults.js';
import { GatewayError, isOutage } from './errors.js';
import { type Answer, DEFAULT_RETRY, type RetryPolicy, send, type Transport } from './http.js';
import type { Message, TextMessage } from './message.js';
import { compileRenderer, type Renderer } from './render.js';
import type {
  Feedback,
  FeedbackRecord,
  FetchedPrompt,
  PromptDefinition,
  RenderedPrompt,
  RunAnswer,
} from './types.js';

export interface ClientOptions {
  /** The gateway's address (default: PROMPTOPS_GATEWAY_URL, else PROMPTOPS_URL). */
  url?: string;
  /** A token with `prompt.run` (or `read` for get/render) (default: PROMPTOPS_TOKEN). */
  token?: string;
  /** Names the project in the last-known-good file's keys, so one file can serve several. */
  project?: string;
  /** The environment a call that names none is served from (default: the gateway's). */
  environment?: string;
  /** The last-known-good file, e.g. `.promptops/client-cache.json` (default: memory only). */
  cacheFile?: string;
  /** How long one try may take (default 30 s: a run waits for the model). */
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  /** Where the defaults above are read (default: `process.env`). */
  env?: Record<string, string | undefined>;
}

/** Picks the version and arm: the environment (else the client's), and the canary's sticky key. */
export interface ServeOptions {
  environment?: string;
  /** A user or session id: the same key gets the same arm of a canary. */
  stickyKey?: string;
}

export interface RunOptions extends ServeOptions {
  version?: number;
  /** String pairs kept on the trace. */
  metadata?: Record<string, string>;
  history?: (Message | TextMessage)[];
  /** Per-call model and config, where the prompt's `promptops.overrides` allows them. */
  model?: string;
  config?: Record<string, unknown>;
}

export interface RenderOptions extends ServeOptions {
  history?: (Message | TextMessage)[];
}

/** A client of a promptops gateway. */
export interface GatewayClient {
  /** Runs a released prompt on the gateway. Needs the gateway: fails with PO_ERR_REMOTE_UNAVAILABLE. */
  run<T = unknown>(ref: string, input: unknown, options?: RunOptions): Promise<RunAnswer<T>>;
  /** A released prompt, compiled, for calling the model yourself; the last-known-good copy in an outage. */
  get(ref: string, options?: ServeOptions): Promise<FetchedPrompt>;
  /** The messages a released prompt renders for `input`; rendered here from the last-known-good copy in an outage. */
  render(ref: string, input: unknown, options?: RenderOptions): Promise<RenderedPrompt>;
  /** Records feedback on a run's answer, by the `traceId` the run returned. Needs `trace.write`. */
  feedback(traceId: string, feedback: Feedback): Promise<FeedbackRecord>;
}

/**
 * Creates a client of the gateway at `url`. References are `NAME` (the environment's release),
 * `NAME:ENV` or `NAME@3`.
 *
 * @example
 * const prompts = createClient({ cacheFile: '.promptops/client-cache.json' });
 * const { messages } = await prompts.render('support-reply:production', { customer, message });
 */
export function createClient(options: ClientOptions = {}): GatewayClient {
  const env = options.env ?? process.env;
  const url = options.url ?? env.PROMPTOPS_GATEWAY_URL ?? env.PROMPTOPS_URL;
  if (!url) {
    throw new GatewayError(
      'PO_ERR_USAGE',
      'no gateway address: pass createClient({ url }) or set PROMPTOPS_GATEWAY_URL (or PROMPTOPS_URL)',
      400,
    );
  }
  const transport: Transport = {
    url: url.replace(/\/+$/, ''),
    token: options.token ?? env.PROMPTOPS_TOKEN,
    timeoutMs: options.timeoutMs ?? 30_000,
    retry: { ...DEFAULT_RETRY, ...options.retry },
  };
  const cache = new LastKnownGood(options.cacheFile ?? null);
  const renderers = new Map<string, Renderer>();
  const keyOf = (ref: string, environment: string | undefined) =>
    `${options.project ?? ''}/${ref}/${environment ?? ''}`;

  const client: GatewayClient = {
    async run<T>(ref: string, input: unknown, runOptions: RunOptions = {}) {
      const { prompt, version, label } = splitRef(ref);
      const environment = agree(label, runOptions.environment);
      const body = {
        input,
        ...defined('environment', environment ?? (version === undefined ? options.environment : undefined)),
        ...defined('version', version ?? runOptions.version),
        ...defined('stickyKey', runOptions.stickyKey),
        ...defined('metadata', runOptions.metadata),
        ...defined('history', runOptions.history),
        ...(runOptions.model || runOptions.config
          ? { overrides: { ...defined('model', runOptions.model), ...defined('config', runOptions.config) } }
          : {}),
      };
      try {
        const answer = await send(
          transport,
          { method: 'POST', path: `/v1/run/${encodeURIComponent(prompt)}`, body },
          'unsent',
        );
        return answer.body as RunAnswer<T>;
      } catch (err) {
        throw isOutage(err) ? runUnavailable(ref, err as GatewayError) : err;
      }
    },

    async get(ref, serveOptions = {}) {
      const environment = environmentOf(ref, serveOptions, options.environment);
      const key = keyOf(ref, environment);
      const known = await cache.get(key);
      // A numbered version never changes: once seen, it is never asked for again.
      if (known && /@v?\d+$/.test(ref)) return { ...known.prompt, source: 'gateway' };
      let answer: Answer;
      try {
        answer = await send(
          transport,
          {
            method: 'GET',
            path: `/v1/prompts/${encodeURIComponent(ref)}${queryOf(environment, serveOptions.stickyKey)}`,
            ...(known ? { headers: { 'if-none-match': known.etag } } : {}),
          },
          'idempotent',
        );
      } catch (err) {
        return { ...fallback(ref, err, known).prompt, source: 'last-known-good' };
      }
      if (answer.status === 304 && known) return { ...known.prompt, source: 'gateway' };
      const prompt = answer.body as PromptDefinition;
      const etag = answer.etag ?? `"${prompt.hash}"`;
      if (known?.etag !== etag) await cache.set(key, { prompt, etag, savedAt: new Date().toISOString() });
      return { ...prompt, source: 'gateway' };
    },

    async feedback(traceId, feedback) {
      // Sent once unless it certainly never arrived: feedback twice would count twice.
      const answer = await send(
        transport,
        { method: 'POST', path: '/v1/feedback', body: { traceId, ...feedback } },
        'unsent',
      );
      return answer.body as FeedbackRecord;
    },

    async render(ref, input, renderOptions = {}) {
      const environment = environmentOf(ref, renderOptions, options.environment);
      const key = keyOf(ref, environment);
      try {
        const answer = await send(
          transport,
          {
            method: 'POST',
            path: `/v1/prompts/${encodeURIComponent(ref)}/render${queryOf(environment, renderOptions.stickyKey)}`,
            body: { input, ...defined('history', renderOptions.history) },
          },
          'idempotent',
        );
        const rendered = answer.body as Omit<RenderedPrompt, 'source'>;
        // Keep the template this version renders from, for the next outage.
        if ((await cache.get(key))?.prompt.hash !== rendered.hash) {
          await client.get(ref, renderOptions).catch(() => {});
        }
        return { ...rendered, source: 'gateway' };
      } catch (err) {
        const { prompt } = fallback(ref, err, await cache.get(key));
        let render = renderers.get(prompt.hash);
        if (!render) {
          render = compileRenderer({
            name: prompt.prompt,
            template: prompt.template,
            partials: prompt.partials,
          });
          renderers.set(prompt.hash, render);
        }
        return {
          prompt: prompt.prompt,
          version: prompt.version,
          hash: prompt.hash,
          environment: prompt.environment,
          arm: prompt.arm,
          messages: render(withDefaults(input, prompt.input), { history: renderOptions.history }),
          source: 'last-known-good',
        };
      }
    },
  };
  return client;
}

/** The last-known-good copy when `err` is an outage; any other failure, or no copy, is thrown. */
function fallback(ref: string, err: unknown, known: CachedPrompt | undefined): CachedPrompt {
  if (!isOutage(err)) throw err;
  if (!known) {
    const cause = err as GatewayError;
    throw new GatewayError(
      cause.code,
      `${cause.message}; and there is no last-known-good copy of ${ref} (a client keeps one from each successful get, in its cacheFile)`,
      cause.status,
      cause.details,
    );
  }
  return known;
}

function runUnavailable(ref: string, cause: GatewayError): GatewayError {
  return new GatewayError(
    cause.code,
    `cannot run ${ref}: ${cause.message}. A run needs a gateway; to call the model yourself during an outage, render() serves the last-known-good prompt`,
    cause.status,
    cause.details,
  );
}

/** `NAME`, `NAME@3` or `NAME:ENV` split for the run route, which takes the name in its path. */
function splitRef(ref: string): { prompt: string; version?: number; label?: string } {
  const match = /^([^@:\s]+)(?:@v?(\d+)|:([^@:\s]+))?$/.exec(ref.trim());
  if (!match) {
    throw new GatewayError(
      'PO_ERR_REF_INVALID',
      `"${ref}" is not a prompt reference; write NAME, NAME@3 (version 3) or NAME:production (an environment)`,
      400,
      { ref },
    );
  }
  const [, prompt, version, label] = match;
  return {
    prompt: prompt!,
    ...defined('version', version ? Number(version) : undefined),
    ...defined('label', label),
  };
}

function agree(fromRef: string | undefined, fromOptions: string | undefined): string | undefined {
  if (fromRef !== undefined && fromOptions !== undefined && fromRef !== fromOptions) {
    throw new GatewayError(
      'PO_ERR_USAGE',
      `the reference names environment ${fromRef} and the options ${fromOptions}; give one`,
      400,
      { environment: [fromRef, fromOptions] },
    );
  }
  return fromRef ?? fromOptions;
}

/** The environment to ask for: the call's, else the client's when the reference names none. */
function environmentOf(ref: string, call: ServeOptions, client: string | undefined): string | undefined {
  if (call.environment !== undefined) return call.environment;
  return /[@:]/.test(ref) ? undefined : client;
}

function queryOf(environment: string | undefined, stickyKey: string | undefined): string {
  const query = new URLSearchParams({
    ...defined('environment', environment),
    ...defined('stickyKey', stickyKey),
  });
  const text = query.toString();
  return text ? `?${text}` : '';
}

/** `{ [key]: value }` when the value is there, `{}` otherwise: optional fields stay absent. */
function defined<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return value === undefined ? {} : ({ [key]: value } as { [P in K]?: V });
}
