import type { CatalogEntry } from '../catalog/lint.js';
import type { VersionRecord } from '../store/index.js';

/** The working copy of a prompt as a version record: what its files say, pushed or not (number 0). */
export function workingCopy(entry: CatalogEntry): VersionRecord {
  return {
    prompt: entry.spec.name,
    number: 0,
    hash: entry.hash,
    spec: entry.spec,
    author: 'working copy',
    message: null,
    createdAt: new Date().toISOString(),
    parentNumber: null,
    labels: [],
    archived: null,
  };
}
