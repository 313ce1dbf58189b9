/**
 * @promptops/client: run released prompts on a promptops gateway, or fetch and render them for
 * your own model client, with a last-known-good file that keeps rendering through outages.
 */
export {
  type ClientOptions,
  createClient,
  type GatewayClient,
  type RenderOptions,
  type RunOptions,
  type ServeOptions,
} from './client.js';
export { GatewayError, isGatewayError } from './errors.js';
export type { RetryPolicy } from './http.js';
export * from './render.js';
export type {
  Arm,
  Feedback,
  FeedbackRecord,
  FetchedPrompt,
  GuardrailVerdict,
  PromptDefinition,
  RenderedPrompt,
  RunAnswer,
  ServedVersion,
  Source,
} from './types.js';
