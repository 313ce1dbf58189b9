// Child processes for the gateway bench: start one (optionally pinned to a CPU), wait for the line
// that says it listens, stop it, and read its CPU time and memory from /proc (Linux only).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import net from 'node:net';

const TICKS_PER_SECOND = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;

/** Whether processes can be pinned to CPUs here (`taskset` is installed and there are 2+ CPUs). */
export function canPin(cpus) {
  return cpus >= 2 && ['/usr/bin/taskset', '/bin/taskset'].some((p) => existsSync(p));
}

/** Pins the current process (the load generator) to `cpu`. */
export function pinSelf(cpu) {
  spawnSync('taskset', ['-p', '-c', String(cpu), String(process.pid)], { stdio: 'ignore' });
}

/**
 * Starts `command args` and resolves once a line of its output matches `ready` (to the match, so a
 * port can be read from it). On `cpu` (a number) it runs under `taskset`, which execs the command:
 * the child's pid is the command's own, so /proc readings are the command's.
 */
export function startProcess(command, args, { cwd, env, cpu, ready, timeoutMs = 60_000 }) {
  const [file, argv] =
    cpu === undefined ? [command, args] : ['taskset', ['-c', String(cpu), command, ...args]];
  const child = spawn(file, argv, {
    cwd,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(`did not say it was ready within ${timeoutMs} ms`), timeoutMs);
    const fail = (why) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`${command} ${args.join(' ')} ${why}:\n${output.slice(-2000)}`));
    };
    const onData = (chunk) => {
      if (output.length < 100_000) output += chunk;
      const match = output.match(ready);
      if (!match) return;
      clearTimeout(timer);
      // Keep draining its output so a chatty process never blocks on a full pipe.
      child.stdout.removeListener('data', onData);
      child.stderr.removeListener('data', onData);
      child.stdout.resume();
      child.stderr.resume();
      resolve({ child, pid: child.pid, match });
    };
    child.stdout.setEncoding('utf8').on('data', onData);
    child.stderr.setEncoding('utf8').on('data', onData);
    child.on('exit', (code, signal) => fail(`exited (${code ?? signal})`));
  });
}

/** Stops a process started by `startProcess` and waits for it to exit. */
export async function stopProcess({ child }) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

/** CPU time (user + system) the process has used so far, in microseconds. */
export function cpuMicros(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces) start at state, field 3; utime and stime
  // are fields 14 and 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return (ticks * 1e6) / TICKS_PER_SECOND;
}

/** Resident memory of the process now, in MB. */
export function rssMb(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(status.match(/^VmRSS:\s+(\d+) kB/m)?.[1] ?? Number.NaN);
  return Math.round((kb / 1024) * 10) / 10;
}

/** A TCP port free on loopback now, for a server that cannot be told to pick one (port 0). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}
