import type { TextMessage } from '@promptops/client/render';
import type { ProjectDependencies } from '../compose.js';
import { PromptOpsError } from '../errors.js';
import type { Clock } from '../monitor/rollup.js';
import type { ChatMessage } from '../providers/types.js';
import { CompiledCache } from '../runtime/compile.js';
import { type PipelineDeps, type RunResult, runPipeline } from '../runtime/pipeline.js';
import { renderVersion } from '../runtime/render-version.js';
import type { ReviewRecord, Store, VersionRecord } from '../store/types.js';
import type { Arm } from './canary.js';
import type { Choice, ServedPrompts } from './served.js';

/** One request to a gateway: a prompt by name, its input, and how to pick the version. */
export interface GatewayRunRequest {
  prompt: string;
  input: unknown;
  /** The environment whose release serves the request; the gateway's default when absent. */
  environment?: string;
  /** An exact version instead (it must be one an environment serves). */
  version?: number;
  /** A user or session id: the same key gets the same arm of a canary. Random when absent. */
  stickyKey?: string;
  /** Per-call model and config, where the prompt's `promptops.overrides` allows them. */
  model?: string;
  config?: Record<string, unknown>;
  metadata?: Record<string, string>;
  history?: (ChatMessage | TextMessage)[];
}

/** What a gateway answers: the run's result, the environment and the arm that served it. */
export interface GatewayRunResult<T = unknown> extends RunResult<T> {
  environment: string;
  arm: Arm;
}

export interface GatewayOptions {
  project: string;
  /** The environments this gateway serves. */
  environments: readonly string[];
  /** The environment a request that names none is served from. */
  defaultEnvironment: string;
  served: ServedPrompts;
  /** Providers, guardrails, prices and retries of the project (compose.ts: projectDependencies). */
  dependencies: ProjectDependencies;
  traces: PipelineDeps['traces'];
  /** Where escalated requests are held (the control plane's review queue). */
  reviews: Pick<Store, 'createReview'> | null;
  onEscalate?: (review: ReviewRecord) => void;
  /** Run every model call on this provider (`offline` for demos and tests). */
  provider?: string;
  /** When its traces and held reviews start (default the system clock; tests move it). */
  clock?: Clock;
}

/**
 * The data plane's runner: serves each request from the environments' snapshots (the released
 * version, or a canary's by the request's sticky key) through the full pipeline — input contract,
 * guardrails, model, output contract, trace — without asking the control plane anything.
 */
export class Gateway {
  private readonly deps: PipelineDeps;

  constructor(private readonly options: GatewayOptions) {
    this.deps = {
      ...options.dependencies,
      project: options.project,
      resolver: {
        resolve: async (ref) => {
          if (ref.selector.kind !== 'number') {
            throw new Error(`the gateway resolves exact versions only, not ${ref.prompt}`);
          }
          return this.exact(ref.prompt, ref.selector.number);
        },
      },
      compiled: new CompiledCache(),
      traces: options.traces,
      reviews: options.reviews,
      ...(options.onEscalate ? { onEscalate: options.onEscalate } : {}),
      ...(options.clock ? { clock: options.clock } : {}),
    };
  }

  get defaultEnvironment(): string {
    return this.options.defaultEnvironment;
  }

  get project(): string {
    return this.options.project;
  }

  /** What the gateway serves, per environment (for APIs that describe releases, like Langfuse's labels). */
  get served(): ServedPrompts {
    return this.options.served;
  }

  /** Runs a request on the version its environment serves it (see `pick`). */
  async run<T = unknown>(request: GatewayRunRequest): Promise<GatewayRunResult<T>> {
    const { record, environment, arm } = this.pick(request);
    const result = await runPipeline<T>(this.deps, {
      prompt: record.prompt,
      version: record.number,
      environment,
      arm,
      input: request.input,
      ...(request.metadata ? { metadata: request.metadata } : {}),
      ...(request.history ? { history: request.history } : {}),
      ...(this.options.provider ? { provider: this.options.provider } : {}),
      ...(request.model ? { model: request.model } : {}),
      ...(request.config ? { config: request.config } : {}),
    });
    return { ...result, environment, arm };
  }

  /**
   * The version that serves a request: an exact version when it names one (it must be served by an
   * environment: a gateway serves only what is released), else what its environment serves for its
   * sticky key.
   */
  pick(request: Pick<GatewayRunRequest, 'prompt' | 'environment' | 'version' | 'stickyKey'>): Choice {
    const environment = request.environment ?? this.options.defaultEnvironment;
    if (!this.options.environments.includes(environment)) {
      throw new PromptOpsError(
        'PO_ERR_LABEL_NOT_FOUND',
        `this gateway serves environments ${this.options.environments.join(', ')}, not "${environment}"`,
        { environment, environments: this.options.environments },
      );
    }
    if (request.version !== undefined) {
      return { record: this.exact(request.prompt, request.version), environment, arm: 'stable' };
    }
    return this.options.served.pick(request.prompt, environment, request.stickyKey);
  }

  /** The messages a served version renders for `input` (runtime/render-version.ts). */
  render(
    record: VersionRecord,
    input: unknown,
    history?: (ChatMessage | TextMessage)[],
  ): Promise<ChatMessage[]> {
    return renderVersion(this.deps, record, input, history);
  }

  private exact(prompt: string, number: number): VersionRecord {
    const record = this.options.served.version(prompt, number);
    if (!record) {
      throw new PromptOpsError(
        'PO_ERR_VERSION_NOT_FOUND',
        `${prompt}@${number} is not served by any environment this gateway serves; a gateway serves released versions only`,
        { prompt, version: number },
      );
    }
    return record;
  }
}
