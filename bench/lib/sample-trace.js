// One trace shaped like a pipeline's (~1.3 KB of JSON), for the benches that hand traces on.
const guardrail = (name) => ({
  name,
  action: 'block',
  isViolation: false,
  score: 0,
  reasons: [],
  spans: [],
  field: name === 'pii' ? 'message' : null,
});
/** A finished execution's trace; give each copy its own `id`. */
export const sampleTrace = {
  id: '',
  project: 'acme',
  prompt: 'support-reply',
  version: { number: 7, hash: 'a'.repeat(64) },
  environment: 'production',
  status: 'ok',
  error: null,
  startedAt: '2026-12-07T10:00:00.000Z',
  model: 'openai/gpt-4o-mini',
  timings: {
    resolve: 0.01,
    validate: 0.02,
    guardrails: 0.05,
    render: 0.01,
    model: 420,
    output: 0.03,
    total: 420.2,
  },
  usage: { inputTokens: 312, outputTokens: 58 },
  costUsd: 0.000082,
  input: { customer: 'Ada', message: 'I was charged twice for my order 1234, please help.' },
  output: {
    reply: 'We will refund the duplicate charge within 3 days.',
    escalate: false,
    category: 'billing',
  },
  mutations: [],
  attempts: [{ model: 'openai/gpt-4o-mini', attempt: 1, durationMs: 420 }],
  reasks: 0,
  guardrails: ['prompt-injection', 'pii', 'pii', 'banned-terms', 'json-schema'].map(guardrail),
  review: null,
  metadata: { arm: 'stable', stickyKey: 'user-42' },
};

/**
 * The sample trace as the i-th of a stream spread over 20 prompts, 3 versions, 2 environments, both
 * arms, with an error in 50.
 */
export const spreadTrace = (i) => ({
  ...sampleTrace,
  id: `trace-${i}`,
  prompt: `prompt-${i % 20}`,
  version: { number: 1 + (i % 3), hash: 'a'.repeat(64) },
  environment: i % 7 === 0 ? 'staging' : 'production',
  arm: i % 5 === 0 ? 'canary' : 'stable',
  status: i % 50 === 0 ? 'error' : 'ok',
  error: i % 50 === 0 ? { code: 'PO_ERR_PROVIDER_UNAVAILABLE', message: 'down' } : null,
});
