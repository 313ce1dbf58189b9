import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { windowMs } from '../../src/monitor/alert-rules.js';
import {
  DEFAULT_ENVIRONMENTS,
  DEFAULT_STORE_URL,
  defaultProjectConfig,
  parseProjectConfig,
} from '../../src/project/config.js';
import { BUILTIN_PROVIDERS } from '../../src/providers/definitions.js';
import { only, REPO } from './support.js';

describe('defaults', () => {
  it('gives an empty promptops.yaml the three standard environments, the embedded store and the reject policy', () => {
    const { config, diagnostics } = parseProjectConfig('', 'promptops.yaml', 'my-prompts');
    expect(diagnostics).toEqual([]);
    expect(config).toMatchObject({
      project: 'my-prompts',
      catalog: ['.'],
      environments: ['development', 'staging', 'production'],
      store: { url: 'sqlite:.promptops/registry.db' },
      defaults: { risk: 'low', contract: { policy: 'reject' } },
      policy: { ownerRequiredFrom: 'high' },
      guardrails: { custom: {} },
    });
    expect(config?.defaults.model).toBeUndefined();
    expect(config?.defaults.contract.maxInputChars).toBeUndefined();
    expect(DEFAULT_ENVIRONMENTS).toEqual(['development', 'staging', 'production']);
    expect(DEFAULT_STORE_URL).toBe('sqlite:.promptops/registry.db');
  });

  it('gives defaultProjectConfig() the same defaults and every built-in provider', () => {
    const config = defaultProjectConfig();
    expect(config.environments).toEqual(['development', 'staging', 'production']);
    expect(config.store.url).toBe('sqlite:.promptops/registry.db');
    expect(config.defaults.contract.policy).toBe('reject');
    expect(config.providers).toEqual(BUILTIN_PROVIDERS);
  });

  it('reads every setting a project gives', () => {
    const { config, diagnostics } = parseProjectConfig(
      [
        'project: acme',
        'catalog: prompts',
        'environments: [dev, prod]',
        'store: { url: "sqlite:data/registry.db" }',
        'defaults:',
        '  model: offline/echo',
        '  risk: medium',
        '  contract: { policy: coerce, maxInputChars: 100 }',
        'policy: { ownerRequiredFrom: critical }',
        'guardrails:',
        '  custom: { toxicity: ./guards/toxicity.js }',
      ].join('\n'),
      'promptops.yaml',
    );
    expect(diagnostics).toEqual([]);
    expect(config).toMatchObject({
      project: 'acme',
      catalog: ['prompts'],
      environments: ['dev', 'prod'],
      store: { url: 'sqlite:data/registry.db' },
      defaults: { model: 'offline/echo', risk: 'medium', contract: { policy: 'coerce', maxInputChars: 100 } },
      policy: { ownerRequiredFrom: 'critical' },
      guardrails: { custom: { toxicity: './guards/toxicity.js' } },
    });
  });

  it('accepts a list of catalog folders', () => {
    const { config } = parseProjectConfig('catalog: [prompts, shared/prompts]', 'promptops.yaml');
    expect(config?.catalog).toEqual(['prompts', 'shared/prompts']);
  });
});

describe('providers', () => {
  it('refuses an API key written in the file and names apiKeyEnv as the fix (secret-in-config)', () => {
    const text = ['project: demo', 'providers:', '  openai:', '    apiKey: sk-live-123456'].join('\n');
    const { config, diagnostics } = parseProjectConfig(text, 'promptops.yaml');
    expect(config).toBeNull();
    const diagnostic = only(diagnostics, 'secret-in-config');
    expect(diagnostic).toMatchObject({ file: 'promptops.yaml', line: 4, col: 5, severity: 'error' });
    expect(diagnostic.message).toMatch(/providers\.openai\.apiKey puts a secret in a file/);
    expect(diagnostic.message).toMatch(/environment variable/);
    expect(diagnostic.message).toMatch(/apiKeyEnv/);
    expect(diagnostic.message).not.toContain('sk-live-123456');
  });

  it('reports only the secret, not also an unknown apiKey key', () => {
    const text = [
      'providers:',
      '  mine:',
      '    type: openai-compatible',
      '    baseUrl: https://llm.example/v1',
      '    apiKey: sk-1',
    ].join('\n');
    const { diagnostics } = parseProjectConfig(text, 'promptops.yaml');
    expect(diagnostics.map((d) => [d.rule, d.line, d.col])).toEqual([['secret-in-config', 5, 5]]);
  });

  it('merges custom providers with the built-in ones, overriding only what is set', () => {
    const text = [
      'providers:',
      '  local-vllm:',
      '    type: openai-compatible',
      '    baseUrl: http://127.0.0.1:8000/v1',
      '  mine:',
      '    baseUrl: https://llm.example/v1',
      '    apiKeyEnv: MINE_API_KEY',
      '  ollama:',
      '    baseUrl: http://gpu-box:11434/v1',
    ].join('\n');
    const { config, diagnostics } = parseProjectConfig(text, 'promptops.yaml');
    expect(diagnostics).toEqual([]);
    expect(config?.providers.offline).toEqual({ type: 'offline' });
    expect(config?.providers.openai).toEqual(BUILTIN_PROVIDERS.openai);
    expect(config?.providers.anthropic).toEqual(BUILTIN_PROVIDERS.anthropic);
    expect(config?.providers['local-vllm']).toEqual({
      type: 'openai-compatible',
      baseUrl: 'http://127.0.0.1:8000/v1',
    });
    expect(config?.providers.mine).toEqual({
      type: 'openai-compatible',
      baseUrl: 'https://llm.example/v1',
      apiKeyEnv: 'MINE_API_KEY',
    });
    expect(config?.providers.ollama).toEqual({
      type: 'openai-compatible',
      baseUrl: 'http://gpu-box:11434/v1',
    });
  });

  it('rejects a provider type that does not exist, at the value (config-invalid)', () => {
    const { config, diagnostics } = parseProjectConfig('providers:\n  x:\n    type: grpc', 'promptops.yaml');
    expect(config).toBeNull();
    const diagnostic = only(diagnostics, 'config-invalid');
    expect(diagnostic).toMatchObject({ line: 3, col: 11 });
    expect(diagnostic.message).toMatch(/must be one of "offline", "openai-compatible", "anthropic"/);
  });

  it('rejects an apiKeyEnv that is not an environment variable name (config-invalid)', () => {
    const { diagnostics } = parseProjectConfig('providers:\n  x:\n    apiKeyEnv: sk-abc', 'promptops.yaml');
    expect(only(diagnostics, 'config-invalid')).toMatchObject({ line: 3, col: 16 });
  });
});

describe('mistakes', () => {
  it('reports unknown keys with their line and column, at every depth (config-invalid)', () => {
    const text = [
      'project: demo',
      'environmnts: [dev]',
      'defaults:',
      '  risk: low',
      '  modle: offline/echo',
    ].join('\n');
    const { config, diagnostics } = parseProjectConfig(text, 'promptops.yaml');
    expect(config).toBeNull();
    expect(diagnostics.map((d) => [d.rule, d.line, d.col, d.severity])).toEqual([
      ['config-invalid', 2, 1, 'error'],
      ['config-invalid', 5, 3, 'error'],
    ]);
    expect(diagnostics[0]!.message).toMatch(/unknown key "environmnts"/);
    expect(diagnostics[1]!.message).toMatch(/unknown key "modle" in "defaults"/);
  });

  it('reports a wrong value with the allowed ones (config-invalid)', () => {
    const { diagnostics } = parseProjectConfig('defaults:\n  risk: extreme', 'promptops.yaml');
    const diagnostic = only(diagnostics, 'config-invalid');
    expect(diagnostic).toMatchObject({ line: 2, col: 9 });
    expect(diagnostic.message).toMatch(/"defaults\.risk" must be one of "low", "medium", "high", "critical"/);
  });

  it('reports YAML syntax errors with the line number and the file to fix (yaml-syntax)', () => {
    const text = ['project: demo', 'catalog: [prompts', 'store:', '  url: x'].join('\n');
    const { config, diagnostics } = parseProjectConfig(text, 'config/promptops.yaml');
    expect(config).toBeNull();
    expect(diagnostics.length).toBeGreaterThanOrEqual(1);
    expect(diagnostics[0]).toMatchObject({ rule: 'yaml-syntax', line: 3, col: 1, severity: 'error' });
    expect(diagnostics[0]!.message).toMatch(/fix the YAML syntax of config\/promptops\.yaml/);
  });

  it('reports a badly indented key on its own line (yaml-syntax)', () => {
    const { diagnostics } = parseProjectConfig(
      'project: demo\nstore:\n  url: a\n bad: b\n',
      'promptops.yaml',
    );
    expect(diagnostics.map((d) => [d.rule, d.line, d.col])).toEqual([['yaml-syntax', 4, 1]]);
    expect(diagnostics[0]!.message).toMatch(/must start at the same column/);
  });

  it('reports a file that is a list instead of a mapping (config-shape)', () => {
    const { config, diagnostics } = parseProjectConfig('- a\n- b\n', 'promptops.yaml');
    expect(config).toBeNull();
    expect(diagnostics).toEqual([
      expect.objectContaining({
        rule: 'config-shape',
        line: 1,
        col: 1,
        message: expect.stringMatching(/YAML mapping/),
      }),
    ]);
  });

  it('refuses duplicate environments', () => {
    const { diagnostics } = parseProjectConfig('environments: [dev, dev]', 'promptops.yaml');
    expect(only(diagnostics, 'config-invalid')).toMatchObject({ line: 1, col: 15 });
  });
});

describe('on disk', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'promptops-config-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads the example project’s promptops.yaml without problems', async () => {
    const text = await readFile(path.join(REPO, 'examples', 'promptops.yaml'), 'utf8');
    const { config, diagnostics } = parseProjectConfig(text, 'examples/promptops.yaml');
    expect(diagnostics).toEqual([]);
    expect(config).toMatchObject({
      project: 'acme-support',
      catalog: ['prompts'],
      defaults: { model: 'offline/echo', contract: { maxInputChars: 20000 } },
    });
    expect(config?.providers['local-vllm']).toMatchObject({ type: 'openai-compatible' });
  });

  it('reports positions in a promptops.yaml saved with Windows line endings on the right lines', async () => {
    const file = path.join(dir, 'promptops.yaml');
    await writeFile(file, 'project: demo\r\nproviders:\r\n  openai:\r\n    apiKey: sk-1\r\n');
    const { diagnostics } = parseProjectConfig(await readFile(file, 'utf8'), 'promptops.yaml');
    expect(diagnostics.map((d) => [d.rule, d.line, d.col])).toEqual([['secret-in-config', 4, 5]]);
  });
});

describe('approval policy', () => {
  it('fills in the default approvals per risk level and keeps what the file sets', () => {
    const text = ['policy:', '  approvals:', '    medium: { required: 2 }'].join('\n');
    const { config, diagnostics } = parseProjectConfig(text, 'promptops.yaml');
    expect(diagnostics).toEqual([]);
    expect(config?.policy.approvals).toEqual({
      low: { required: 0, greenChecks: false },
      medium: { required: 2, greenChecks: false },
      high: { required: 2, greenChecks: false },
      critical: { required: 2, greenChecks: true },
    });
    expect(config?.policy.requiredChecks).toEqual(['lint', 'tests', 'guardrails', 'regression']);
    expect(config?.policy.checkers).toEqual([]);
  });

  it('counts checks by anyone allowed unless checksBy asks for the control plane’s own', () => {
    expect(parseProjectConfig('project: a', 'promptops.yaml').config?.policy.checksBy).toBe('anyone-allowed');
    const set = parseProjectConfig('policy:\n  checksBy: control-plane', 'promptops.yaml');
    expect(set.diagnostics).toEqual([]);
    expect(set.config?.policy.checksBy).toBe('control-plane');
    const wrong = parseProjectConfig('policy:\n  checksBy: ci', 'promptops.yaml');
    expect(wrong.config).toBeNull();
    expect(wrong.diagnostics[0]).toMatchObject({ line: 2, rule: 'config-invalid' });
  });

  it('refuses a fromGroup that names no group, pointing at it', () => {
    const text = [
      'policy:',
      '  groups:',
      '    safety: [lee@acme.example]',
      '  approvals:',
      '    high: { required: 2, fromGroup: saftey }',
    ].join('\n');
    const { config, diagnostics } = parseProjectConfig(text, 'promptops.yaml');
    expect(config).toBeNull();
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]).toMatchObject({ line: 5, rule: 'config-invalid' });
    expect(diagnostics[0]?.message).toContain('group "saftey"');
  });

  it('refuses unknown levels and checks', () => {
    const text = [
      'policy:',
      '  approvals:',
      '    extreme: { required: 3 }',
      '  requiredChecks: [lint, vibes]',
    ].join('\n');
    const { config, diagnostics } = parseProjectConfig(text, 'promptops.yaml');
    expect(config).toBeNull();
    expect(diagnostics.length).toBeGreaterThanOrEqual(2);
  });
});

describe('telemetry settings', () => {
  it('defaults to every trace stored, rollups every 10 s, kept for ever', () => {
    const { config } = parseProjectConfig('project: acme\n', 'promptops.yaml');
    expect(config?.telemetry).toEqual({
      traces: { sample: 1, keep: ['error', 'held', 'canary'] },
      retention: { tracesMs: null, rollupsMs: null },
      rollups: { flushMs: 10_000 },
    });
  });

  it('reads sampling, retention and the flush interval', () => {
    const { config, diagnostics } = parseProjectConfig(
      'telemetry:\n  traces: { sample: 0.1, keep: [error] }\n  retention: { traces: 30d, rollups: 400d }\n  rollups: { flushSeconds: 2 }\n',
      'promptops.yaml',
    );
    expect(diagnostics).toEqual([]);
    expect(config?.telemetry).toEqual({
      traces: { sample: 0.1, keep: ['error'] },
      retention: { tracesMs: 30 * 86_400_000, rollupsMs: 400 * 86_400_000 },
      rollups: { flushMs: 2000 },
    });
  });

  it('refuses a sample above 1 and a retention that is not a duration', () => {
    const { diagnostics } = parseProjectConfig(
      'telemetry:\n  traces: { sample: 2 }\n  retention: { traces: a month }\n',
      'promptops.yaml',
    );
    expect(diagnostics.map((d) => d.message).join('\n')).toMatch(/sample[\s\S]*traces/);
  });
});

describe('console settings', () => {
  it('keeps a console sign-in 12 hours unless the file says otherwise', () => {
    expect(parseProjectConfig('project: acme\n', 'promptops.yaml').config?.console).toEqual({
      sessionHours: 12,
    });
    const { config, diagnostics } = parseProjectConfig('console:\n  sessionHours: 4\n', 'promptops.yaml');
    expect(diagnostics).toEqual([]);
    expect(config?.console).toEqual({ sessionHours: 4 });
  });

  it('refuses a session of no hours, of more than a week, or of part of an hour', () => {
    for (const hours of ['0', '169', '1.5']) {
      const { diagnostics } = parseProjectConfig(`console:\n  sessionHours: ${hours}\n`, 'promptops.yaml');
      expect(diagnostics.map((d) => d.message).join('\n'), hours).toMatch(/sessionHours/);
    }
  });
});

describe('alerts', () => {
  const RULE =
    "{ name: errors, metric: error_rate, op: '>', threshold: 0.1, window: 5m, severity: critical }";

  it('reads rules and webhooks with their defaults', () => {
    const { config, diagnostics } = parseProjectConfig(
      [
        'alerts:',
        '  webhooks:',
        '    - { name: oncall, url: "https://hooks.example.com/p", secretEnv: ONCALL_SECRET }',
        `  rules: [${RULE}]`,
      ].join('\n'),
      'promptops.yaml',
    );
    expect(diagnostics).toEqual([]);
    expect(config?.alerts).toEqual({
      webhooks: [
        {
          name: 'oncall',
          url: 'https://hooks.example.com/p',
          secretEnv: 'ONCALL_SECRET',
          minSeverity: 'info',
        },
      ],
      rules: [
        {
          name: 'errors',
          metric: 'error_rate',
          op: '>',
          threshold: 0.1,
          window: '5m',
          minSamples: 1,
          severity: 'critical',
        },
      ],
    });
    expect(parseProjectConfig('', 'promptops.yaml').config?.alerts).toEqual({ webhooks: [], rules: [] });
  });

  it('reads a rule window in the one duration grammar (src/duration.ts), above zero', () => {
    const rules = (window: string) =>
      parseProjectConfig(
        `alerts:\n  rules:\n    - { name: a, metric: error_rate, op: '>', threshold: 0.1, window: ${window}, severity: info }`,
        'promptops.yaml',
      );
    expect(rules('1d').config?.alerts.rules[0]?.window).toBe('1d');
    expect(windowMs('1d')).toBe(86_400_000);
    expect(rules('0m').diagnostics.map((d) => d.message)).toEqual([
      'alerts.rules[0].window "0m" is not a duration above zero; write a whole number and s, m, h or d, e.g. 5m',
    ]);
  });

  it('points at each bad rule and webhook with what to write instead', () => {
    const { config, diagnostics } = parseProjectConfig(
      [
        'environments: [staging, production]',
        'alerts:',
        '  webhooks:',
        '    - name: oncall',
        '      url: https://hooks.example.com/p',
        '      secretEnv: ONCALL_SECRET',
        '      secret: whsec_123',
        '  rules:',
        "    - { name: a, metric: error_rat, op: '>', threshold: 0.1, window: 5m, severity: critical }",
        "    - { name: b, metric: error_rate, op: '>', threshold: 0.1, window: 5 minutes, severity: critical }",
        "    - { name: b, metric: error_rate, op: '=>', threshold: 0.1, window: 5m, severity: critical, environment: prod }",
      ].join('\n'),
      'promptops.yaml',
    );
    expect(config).toBeNull();
    expect(diagnostics.map((d) => [d.rule, d.line, d.message])).toEqual([
      ['config-invalid', 9, expect.stringMatching(/alerts\.rules\[0\]\.metric" must be one of "error_rate"/)],
      [
        'config-invalid',
        11,
        expect.stringMatching(/alerts\.rules\[2\]\.op" must be one of ">", ">=", "<", "<="/),
      ],
      [
        'secret-in-config',
        7,
        'alerts.webhooks[0].secret puts a secret in a file; remove it, export the secret as an environment variable and name it with secretEnv',
      ],
      [
        'config-invalid',
        11,
        'alerts.rules[2].name "b" is used twice; give each of alerts.rules its own name',
      ],
      [
        'config-invalid',
        10,
        'alerts.rules[1].window "5 minutes" is not a duration above zero; write a whole number and s, m, h or d, e.g. 5m',
      ],
      [
        'config-invalid',
        11,
        `alerts.rules[2].environment "prod" is not one of the project's environments (staging, production)`,
      ],
    ]);
    expect(JSON.stringify(diagnostics)).not.toContain('whsec_123');
  });
});
