// A fake OpenAI-compatible model server for the gateway bench, run as its own process so its CPU
// is not the bench's: `node fake-upstream.js` prints `listening <port>` once it accepts
// connections. `POST /v1/chat/completions` answers at once with one fixed completion whose
// content is a valid support-reply output (no PII, no banned term), so a gateway's output contract
// and guardrails run in full and pass.
import http from 'node:http';

const reply = {
  reply: 'Sorry about the double charge on your March invoice. We have refunded the duplicate payment.',
  escalate: false,
  category: 'billing',
};
const body = JSON.stringify({
  id: 'chatcmpl-bench',
  object: 'chat.completion',
  created: 1_700_000_000,
  model: 'gpt-4o-mini',
  choices: [
    {
      index: 0,
      message: { role: 'assistant', content: JSON.stringify(reply) },
      finish_reason: 'stop',
      logprobs: null,
    },
  ],
  usage: { prompt_tokens: 120, completion_tokens: 30, total_tokens: 150 },
});
const length = String(Buffer.byteLength(body));

const server = http.createServer((req, res) => {
  // The request body is drained, never parsed: an upstream that answers at once.
  req.resume();
  req.on('end', () => {
    if (req.method === 'POST' && req.url === '/v1/chat/completions') {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': length });
      res.end(body);
    } else {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end('{"error":{"message":"only POST /v1/chat/completions is served here"}}');
    }
  });
});
// Longer than any run, so the gateways' pooled connections are never closed under them.
server.keepAliveTimeout = 120_000;
server.listen(0, '127.0.0.1', () => console.log(`listening ${server.address().port}`));
