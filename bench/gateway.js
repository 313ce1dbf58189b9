// Gateway speed (issue 16): requests/s, latency, CPU and memory per request of promptops's
// gateway against calling the model server directly and against Portkey's open-source gateway
// (@portkey-ai/gateway 1.15.2), on the same fake upstream in the same run, at 10 and 50 connections.
// Prints JSON. BENCH_SECONDS (default 10) per target and concurrency; BENCH_SOAK_SECONDS (default
// 0: none) runs promptops that long at 10 connections and reports its RSS sampled every 5 s;
// BENCH_PIN=0 turns CPU pinning off. Issue 16 measured Portkey here at 1.25k req/s at 10 connections,
// +6.7 ms p50 / +19.7 ms p99 over direct, ≈0.9 ms CPU per request; targets for ours: ≥ 10× Portkey's
// req/s, ≤ +1 ms p50 over direct at 10 connections, ≤ 80 µs CPU per request.
//
// Placement: the load generator, the upstream and the target compete for this machine's 2 cores.
// With taskset (and 2+ CPUs) the target runs alone on CPU 1 while this process (autocannon) and
// the upstream share CPU 0, so the target's figures are its own and not those of whichever process
// the scheduler favoured; "direct" gets an upstream of its own on CPU 1, so it is measured the same
// way. Without pinning every process floats over both cores (BENCH_PIN=0 shows the difference).
import { cpus, loadavg } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { measureLoad, warmUp } from './lib/load.js';
import { machineReferenceMs } from './lib/machine.js';
import { installPortkey, PORTKEY_VERSION, portkeyRequest, startPortkey } from './lib/portkey.js';
import { canPin, pinSelf, rssMb, startProcess, stopProcess } from './lib/processes.js';
import { makeProject, runRequest, startGateway, startServe } from './lib/promptops-target.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const soakSeconds = Number(process.env.BENCH_SOAK_SECONDS ?? 0);
const CONNECTIONS = [10, 50];
const pinned = process.env.BENCH_PIN !== '0' && canPin(cpus().length);
const LOAD_CPU = pinned ? 0 : undefined;
const TARGET_CPU = pinned ? 1 : undefined;

// What support-reply renders to, about: the body a client sends when it calls the model itself.
const CHAT_BODY = JSON.stringify({
  model: 'gpt-4o-mini',
  temperature: 0.2,
  max_tokens: 600,
  response_format: { type: 'json_object' },
  messages: [
    {
      role: 'system',
      content:
        "You are Acme's support assistant. Be warm and brief. Answer as JSON with the keys reply, escalate, reason and category.",
    },
    {
      role: 'user',
      content:
        'Customer: Dana (pro plan, via chat)\nConversation so far:\n- customer: Hello\nLatest message:\nI was charged twice for my March invoice, can you check?',
    },
  ],
});

function startUpstream(cpu) {
  return startProcess(process.execPath, [path.join(root, 'bench', 'lib', 'fake-upstream.js')], {
    cpu,
    ready: /listening (\d+)/,
  }).then((started) => ({ ...started, port: Number(started.match[1]) }));
}

/** Sends `request` once; resolves to the parsed body when it answers 200 and `accept(body)` holds. */
async function verify(request, accept) {
  const response = await fetch(request.url, request);
  const text = await response.text();
  if (response.status !== 200)
    return { reason: `${request.url} answered ${response.status}: ${text.slice(0, 300)}` };
  const body = JSON.parse(text);
  return accept(body)
    ? { body }
    : { reason: `${request.url} answered an unexpected body: ${text.slice(0, 300)}` };
}

// Each target starts its process(es) and returns { server, request, accept, stop }: the process
// whose CPU and memory are measured, the request to load it with and the check of its answer.
const targets = {
  direct: async () => {
    const upstream = await startUpstream(TARGET_CPU);
    return {
      server: upstream,
      request: {
        url: `http://127.0.0.1:${upstream.port}/v1/chat/completions`,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: CHAT_BODY,
      },
      accept: (body) => typeof body.choices?.[0]?.message?.content === 'string',
      stop: () => stopProcess(upstream),
    };
  },
  portkey: async ({ upstream, upstreamBody }) => {
    installPortkey();
    const server = await startPortkey(TARGET_CPU);
    return {
      server,
      version: PORTKEY_VERSION,
      request: portkeyRequest(server.port, upstream.port, CHAT_BODY),
      accept: (body) => isDeepStrictEqual(body, upstreamBody),
      stop: () => stopProcess(server),
    };
  },
  promptops: async ({ upstream, upstreamBody }) => {
    const project = makeProject(root, upstream.port);
    const server = await startServe(project, TARGET_CPU).catch((error) => {
      project.remove();
      throw error;
    });
    const expected = JSON.parse(upstreamBody.choices[0].message.content);
    return {
      server,
      request: runRequest(server.port, project.token),
      accept: (body) => isDeepStrictEqual(body.output, expected),
      stop: async () => {
        await stopProcess(server);
        project.remove();
      },
    };
  },
  // The data plane on its own: a standalone gateway alone on the target CPU, following a control
  // plane that runs beside the load generator (it stores the traces the gateway ships).
  'promptops-gateway': async ({ upstream, upstreamBody }) => {
    const project = makeProject(root, upstream.port);
    const stops = [];
    const stop = async () => {
      for (const s of stops.reverse()) await stopProcess(s);
      project.remove();
    };
    try {
      const controlPlane = await startServe(project, LOAD_CPU);
      stops.push(controlPlane);
      const server = await startGateway(project, controlPlane.port, TARGET_CPU);
      stops.push(server);
      const expected = JSON.parse(upstreamBody.choices[0].message.content);
      return {
        server,
        request: runRequest(server.port, project.token),
        accept: (body) => isDeepStrictEqual(body.output, expected),
        stop,
      };
    } catch (error) {
      await stop();
      throw error;
    }
  },
};

/** Starts, verifies, warms up and loads one target at each concurrency (and soaks promptops). */
async function benchTarget(name, context) {
  const target = await targets[name](context);
  try {
    const checked = await verify(target.request, target.accept);
    if (checked.reason) return { target: name, skipped: checked.reason };
    await warmUp(target.request, Math.min(2, seconds));
    const loads = [];
    for (const connections of CONNECTIONS) {
      loads.push(await measureLoad(target.request, { connections, seconds, pid: target.server.pid }));
    }
    const result = {
      target: name,
      ...(target.version ? { version: target.version } : {}),
      pid: target.server.pid,
      loads,
      firstAnswer: checked.body,
    };
    if (name === 'promptops' && soakSeconds > 0) result.soak = await soak(target);
    return result;
  } finally {
    await target.stop();
  }
}

async function soak(target) {
  const pid = target.server.pid;
  const samples = [rssMb(pid)];
  const load = await measureLoad(target.request, {
    connections: 10,
    seconds: soakSeconds,
    pid,
    onSample: () => samples.push(rssMb(pid)),
  });
  samples.push(rssMb(pid));
  return {
    seconds: soakSeconds,
    connections: 10,
    requests: load.requests,
    requestsPerSec: load.requestsPerSec,
    failures: load.non2xx + load.errors + load.timeouts,
    rssMb: { first: samples[0], last: samples.at(-1), max: Math.max(...samples), samples },
  };
}

/** Added latency of `name` over direct, and its req/s relative to another target, per concurrency. */
function compare(results) {
  const byName = Object.fromEntries(results.filter((r) => r.loads).map((r) => [r.target, r]));
  const at = (name, connections) => byName[name]?.loads.find((l) => l.connections === connections);
  const round2 = (x) => Math.round(x * 100) / 100;
  const comparisons = {};
  for (const connections of CONNECTIONS) {
    const direct = at('direct', connections);
    const entry = {};
    for (const name of ['portkey', 'promptops', 'promptops-gateway']) {
      const load = at(name, connections);
      if (!load || !direct) continue;
      entry[`${name}AddedMs`] = {
        p50: round2(load.latencyMs.p50 - direct.latencyMs.p50),
        p99: round2(load.latencyMs.p99 - direct.latencyMs.p99),
      };
    }
    const portkey = at('portkey', connections);
    for (const name of ['promptops', 'promptops-gateway']) {
      const ours = at(name, connections);
      if (ours && portkey)
        entry[`${name}OverPortkeyReqPerSec`] = round2(ours.requestsPerSec / portkey.requestsPerSec);
    }
    comparisons[connections] = entry;
  }
  return comparisons;
}

// Other work on the machine skews every figure here: the load average says how much there was.
const loadAverageBefore = loadavg()[0];
if (pinned) pinSelf(LOAD_CPU);
const upstream = await startUpstream(LOAD_CPU);
const results = [];
try {
  const direct = await benchTarget('direct', {});
  results.push(direct);
  if (direct.skipped) throw new Error(`the fake upstream does not answer: ${direct.skipped}`);
  const context = { upstream, upstreamBody: direct.firstAnswer };
  for (const name of ['portkey', 'promptops', 'promptops-gateway']) {
    results.push(
      await benchTarget(name, context).catch((error) => ({ target: name, skipped: error.message })),
    );
  }
} finally {
  await stopProcess(upstream);
}
for (const r of results) delete r.firstAnswer;

console.log(
  JSON.stringify(
    {
      bench: 'gateway',
      // this machine's speed now: read the timings with it (bench/lib/machine.js)
      machineReferenceMs: machineReferenceMs(),
      machine: {
        cpus: cpus().length,
        cpuModel: cpus()[0]?.model,
        node: process.version,
        loadAverage1m: { before: loadAverageBefore, after: loadavg()[0] },
      },
      placement: pinned
        ? 'target on CPU 1; load generator (autocannon, in this process) and upstream on CPU 0'
        : 'not pinned: every process on any CPU',
      secondsPerLoad: seconds,
      upstream: 'node:http on loopback, in its own process, answering a fixed chat completion at once',
      results,
      comparisons: compare(results),
      issueTargets: {
        promptopsOverPortkeyReqPerSec: 10,
        promptopsAddedP50MsAt10: 1,
        promptopsCpuUsPerRequest: 80,
        portkeyMeasuredInIssue: {
          requestsPerSecAt10: 1250,
          addedP50Ms: 6.7,
          addedP99Ms: 19.7,
          cpuUsPerRequest: 900,
        },
      },
    },
    null,
    2,
  ),
);
