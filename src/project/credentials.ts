import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';

/**
 * Tokens saved by `promptops login`, per server URL, in a file only the user can read (0600), the
 * way gh, npm and docker keep theirs. PROMPTOPS_TOKEN, when set, wins over the file.
 */
export function credentialsFile(): string {
  const base = process.env.XDG_CONFIG_HOME || path.join(homedir(), '.config');
  return path.join(base, 'promptops', 'credentials.json');
}

interface Credentials {
  servers: Record<string, { token: string; subject: string; savedAt: string }>;
}

export function normaliseUrl(url: string): string {
  return url.replace(/\/+$/, '');
}

async function read(): Promise<Credentials> {
  try {
    const parsed = JSON.parse(await readFile(credentialsFile(), 'utf8')) as Partial<Credentials>;
    return { servers: parsed.servers ?? {} };
  } catch {
    return { servers: {} };
  }
}

export async function savedToken(url: string): Promise<string | null> {
  return (await read()).servers[normaliseUrl(url)]?.token ?? null;
}

export async function saveToken(url: string, token: string, subject: string): Promise<string> {
  const file = credentialsFile();
  const current = await read();
  current.servers[normaliseUrl(url)] = { token, subject, savedAt: new Date().toISOString() };
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, `${JSON.stringify(current, null, 2)}\n`, { mode: 0o600 });
  await rename(temp, file);
  return file;
}

export async function forgetToken(url: string): Promise<boolean> {
  const current = await read();
  const key = normaliseUrl(url);
  if (!current.servers[key]) return false;
  delete current.servers[key];
  const file = credentialsFile();
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, `${JSON.stringify(current, null, 2)}\n`, { mode: 0o600 });
  await rename(temp, file);
  return true;
}
