import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { PromptDefinition } from './types.js';

/** One prompt as last served, with the ETag that revalidates it. */
export interface CachedPrompt {
  prompt: PromptDefinition;
  etag: string;
  savedAt: string;
}

interface CacheFile {
  version: 1;
  prompts: Record<string, CachedPrompt>;
}

/**
 * The last-known-good prompts: in memory, and in a JSON file when one is named, so an application
 * restarted while the gateway is down still has them. The file is replaced whole (written beside
 * it, then renamed), so a crash mid-write leaves the previous file, never half of one.
 */
export class LastKnownGood {
  private entries: Map<string, CachedPrompt> | null = null;
  private loading: Promise<Map<string, CachedPrompt>> | null = null;
  /** Writes run one after the other, each writing everything known at its turn. */
  private writing: Promise<void> = Promise.resolve();

  constructor(private readonly file: string | null) {}

  async get(key: string): Promise<CachedPrompt | undefined> {
    return (await this.load()).get(key);
  }

  /**
   * Remembers `entry` and, with a file, writes it to disk before resolving. A file that cannot be
   * written is warned about, not thrown: the gateway answered, and the answer is still kept in memory.
   */
  async set(key: string, entry: CachedPrompt): Promise<void> {
    (await this.load()).set(key, entry);
    if (!this.file) return;
    const file = this.file;
    this.writing = this.writing
      .then(() => this.write(file))
      .catch((err: Error) =>
        process.emitWarning(
          `@promptops/client: cannot write the last-known-good file ${file}: ${err.message}`,
        ),
      );
    await this.writing;
  }

  private load(): Promise<Map<string, CachedPrompt>> {
    if (this.entries) return Promise.resolve(this.entries);
    this.loading ??= this.read().then((entries) => {
      this.entries = entries;
      return entries;
    });
    return this.loading;
  }

  private async read(): Promise<Map<string, CachedPrompt>> {
    if (!this.file) return new Map();
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (err) {
      // No file yet is the normal start; an unreadable one must not fail calls the gateway can answer.
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
        process.emitWarning(
          `@promptops/client: cannot read the last-known-good file ${this.file}: ${(err as Error).message}`,
        );
      }
      return new Map();
    }
    // A damaged file is no reason to fail while the gateway is up: it is rewritten on the next get.
    try {
      const parsed = JSON.parse(text) as Partial<CacheFile>;
      return new Map(Object.entries(parsed.prompts ?? {}));
    } catch {
      return new Map();
    }
  }

  private async write(file: string): Promise<void> {
    const body: CacheFile = { version: 1, prompts: Object.fromEntries(this.entries ?? []) };
    await mkdir(path.dirname(file), { recursive: true });
    const temp = `${file}.${process.pid}.tmp`;
    await writeFile(temp, `${JSON.stringify(body, null, 1)}\n`);
    await rename(temp, file);
  }
}
