import { parsePrompt } from '../src/catalog/parse.js';
import { defaultProjectConfig } from '../src/project/config.js';
import { Dotprompt } from 'dotprompt';
const config = defaultProjectConfig();
console.log(JSON.stringify(config));
const src = `---
model: offline/echo
input:
  schema:
    customer:
      name: string
      tier(enum): [free, pro]
    tags?(array): string
    items(array):
      sku: string
      qty?: integer
    message: string, the msg
output:
  schema:
    reply: string
promptops.tags: [b, a, b]
promptops.guardrails:
  input: [prompt-injection, pii]
  output: [pii]
promptops.knowledge: ["policy:x", {entity: "product:y", as: prod}]
---

Hello {{customer.name}} {{customer.tier}} {{message}} {{#each items}}{{sku}}{{qty}}{{/each}} {{tags}} {{prod.id}}
`;
const r = await parsePrompt(src, 'prompts/greet.formal.prompt', { config });
console.log(JSON.stringify(r, null, 1));
console.log(JSON.stringify(new Dotprompt().parse(src).template));
