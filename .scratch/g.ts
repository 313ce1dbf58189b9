import { parseProjectConfig } from '../src/project/config.js';
const cases: Record<string,string> = {
empty: ``,
secret: `project: demo\nproviders:\n  openai:\n    apiKey: sk-123\n`,
secret2: `providers:\n  mine:\n    type: openai-compatible\n    baseUrl: https://x.example/v1\n    apiKey: sk-123\n    apiKeyEnv: MINE_KEY\n`,
unknown: `project: demo\nenvironmnts: [a]\ndefaults:\n  risk: low\n  modle: x/y\n`,
custom: `providers:\n  mine:\n    baseUrl: https://llm.example/v1\n    apiKeyEnv: MINE_KEY\n  ollama:\n    baseUrl: http://gpu:11434/v1\n`,
yaml: `project: demo\ncatalog: [a\nstore:\n  url: x\n`,
yaml2: `project: demo\n  bad: indent\n`,
list: `- a\n- b\n`,
full: `project: demo\ncatalog: prompts\nenvironments: [dev, prod]\nstore: { url: "sqlite:x.db" }\ndefaults:\n  model: offline/echo\n  risk: medium\n  contract: { policy: coerce, maxInputChars: 100 }\npolicy: { ownerRequiredFrom: critical }\nguardrails:\n  custom: { toxicity: ./guards/tox.js }\n`,
};
for (const [k, src] of Object.entries(cases)) {
  const r = parseProjectConfig(src, 'promptops.yaml', 'fallback');
  console.log(`== ${k}`, JSON.stringify(r.config));
  for (const d of r.diagnostics) console.log(`  ${d.line}:${d.col} ${d.severity} ${d.rule}: ${d.message.slice(0,200)}`);
}
