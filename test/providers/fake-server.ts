import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A fake model provider at the protocol level: a real HTTP server on 127.0.0.1 (random port) that
 * answers each request from a script and records what it received. No fetch or module mocks.
 */

/** One scripted answer. */
export interface FakeReply {
  /** HTTP status; default 200. */
  status?: number;
  headers?: Record<string, string>;
  /** A JSON body (serialised for you). */
  json?: unknown;
  /** A raw body, sent as is (for malformed JSON). Wins over `json`. */
  body?: string;
  /** Wait this long before answering. */
  delayMs?: number;
  /** Never answer; the connection stays open until the client aborts (or the server closes). */
  hang?: boolean;
  /** Send the status and headers, then stall before the body until the client aborts. */
  hangAfterHeaders?: boolean;
}

/** One request as the server received it. */
export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** The body parsed as JSON (undefined when it was not JSON). */
  body: unknown;
  rawBody: string;
  /** When the server received it (performance.now()). */
  at: number;
  /** True once the client went away before the server finished answering. */
  abortedByClient: boolean;
}

export type FakeScript = FakeReply[] | ((request: ReceivedRequest, index: number) => FakeReply);

export interface FakeServer {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly requests: ReceivedRequest[];
  /** Replaces the script. An array answers in turn; its last reply repeats. */
  script(script: FakeScript): void;
  /** Resolves once the server has received `count` requests in all. */
  received(count: number): Promise<void>;
  /** Resolves once every answer the server began is finished or dropped by the client. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

const open = new Set<FakeServer>();

/** Starts a fake server answering from `script`. */
export async function startFakeServer(initial: FakeScript = [{ json: {} }]): Promise<FakeServer> {
  let script: FakeScript = initial;
  const requests: ReceivedRequest[] = [];
  const pending = new Set<ServerResponse>();
  // Resolved as requests arrive and answers close, so tests wait on events, never on the clock.
  const waiters = new Set<{ isMet: () => boolean; resolve: () => void }>();
  const wake = () => {
    for (const waiter of waiters) {
      if (!waiter.isMet()) continue;
      waiters.delete(waiter);
      waiter.resolve();
    }
  };
  const until = (isMet: () => boolean) =>
    isMet() ? Promise.resolve() : new Promise<void>((resolve) => waiters.add({ isMet, resolve }));

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const rawBody = Buffer.concat(chunks).toString('utf8');
      let body: unknown;
      try {
        body = JSON.parse(rawBody);
      } catch {
        body = undefined;
      }
      const received: ReceivedRequest = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body,
        rawBody,
        at: performance.now(),
        abortedByClient: false,
      };
      const index = requests.length;
      requests.push(received);
      wake();
      const reply =
        typeof script === 'function'
          ? script(received, index)
          : (script[Math.min(index, script.length - 1)] ?? { json: {} });
      pending.add(res);
      res.on('close', () => {
        if (!res.writableFinished) received.abortedByClient = true;
        pending.delete(res);
        wake();
      });
      const answer = () => {
        if (res.destroyed) return;
        const text = reply.body ?? (reply.json !== undefined ? JSON.stringify(reply.json) : '');
        const headers = { 'content-type': 'application/json', ...reply.headers };
        if (reply.hang) return;
        if (reply.hangAfterHeaders) {
          res.writeHead(reply.status ?? 200, headers);
          res.flushHeaders();
          res.write(text.slice(0, Math.floor(text.length / 2)));
          return;
        }
        res.writeHead(reply.status ?? 200, { ...headers, 'content-length': Buffer.byteLength(text) });
        res.end(text);
      };
      if (reply.delayMs) setTimeout(answer, reply.delayMs);
      else answer();
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  const fake: FakeServer = {
    url: `http://127.0.0.1:${port}`,
    requests,
    script(next) {
      script = next;
    },
    received: (count) => until(() => requests.length >= count),
    idle: () => until(() => pending.size === 0),
    close() {
      open.delete(fake);
      for (const res of pending) res.destroy();
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
  open.add(fake);
  return fake;
}

/** Closes every fake server still open (use in afterEach). */
export async function closeFakeServers(): Promise<void> {
  await Promise.all([...open].map((s) => s.close()));
}

/** An OpenAI Chat Completions success body. */
export function openAiAnswer(
  text: string,
  usage = { prompt_tokens: 11, completion_tokens: 7 },
  finishReason = 'stop',
): unknown {
  return {
    id: 'chatcmpl-1',
    object: 'chat.completion',
    choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: finishReason }],
    usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens },
  };
}

/** An Anthropic Messages success body. */
export function anthropicAnswer(
  text: string,
  usage = { input_tokens: 11, output_tokens: 7 },
  stopReason = 'end_turn',
): unknown {
  return {
    id: 'msg_1',
    type: 'message',
    role: 'assistant',
    content: [{ type: 'text', text }],
    stop_reason: stopReason,
    usage,
  };
}
