/**
 * Suite tests an engine cannot run, named with the reason: the suite skips them visibly ("skipped
 * over http: …") instead of failing, and a name that matches no test is an error, so the list
 * cannot outlive the tests it names.
 */
import { it as vitestIt } from 'vitest';

/** Test name (as written in the suite) → why this engine cannot show it. */
export type Skips = Readonly<Record<string, string>>;

/** `it` for a suite run on `engine`: the tests named in `skips` are skipped with their reason. */
export function skipping(engine: string, skips: Skips = {}) {
  const unused = new Set(Object.keys(skips));
  const it = (name: string, fn: () => Promise<void>, timeout?: number) => {
    const reason = skips[name];
    unused.delete(name);
    if (reason === undefined) vitestIt(name, fn, timeout);
    else vitestIt.skip(`${name} (skipped over ${engine}: ${reason})`, fn);
  };
  /** Throws when a skip names no test: run it in the suite's afterAll, once every test is declared. */
  const checkSkips = () => {
    if (unused.size > 0) throw new Error(`skips name no test of the suite: ${[...unused].join('; ')}`);
  };
  return { it, checkSkips };
}
