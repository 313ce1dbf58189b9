import { compileRenderer, type Renderer } from '@promptops/client/render';
import type { PromptSpec } from '../catalog/spec.js';
import { type CompiledInputContract, compileInputContract } from '../contracts/input.js';
import { type CompiledOutputContract, compileOutputContract } from '../contracts/output.js';
import { type CompiledGuardrails, compileGuardrails } from '../guardrails/engine.js';
import type { VersionRecord } from '../store/index.js';

/** Everything a version needs at request time, built once per content hash. */
export interface CompiledPrompt {
  record: VersionRecord;
  input: CompiledInputContract;
  output: CompiledOutputContract;
  render: Renderer;
  /** Input paths whose values never reach a trace. */
  redactedPaths: string[];
  /** The version's guardrails, loaded on first use (implementations load lazily). */
  guardrails?: Promise<CompiledGuardrails>;
}

/**
 * Compiled prompts keyed by version hash: a version never changes, so an entry never goes stale.
 * Bounded (least recently used leaves first) so a long-running process cannot grow without limit.
 */
export class CompiledCache {
  private readonly entries = new Map<string, CompiledPrompt>();

  constructor(private readonly capacity = 512) {}

  get(record: VersionRecord): CompiledPrompt {
    const found = this.entries.get(record.hash);
    if (found) {
      this.entries.delete(record.hash);
      this.entries.set(record.hash, found);
      return found;
    }
    const spec = record.spec;
    const compiled: CompiledPrompt = {
      record,
      input: compileInputContract(spec.input.schema, spec.input.default, spec.promptops.contract),
      output: compileOutputContract(spec.output.format, spec.output.schema, spec.promptops.contract.output),
      render: compileRenderer({ ...spec, metadata: promptMetadata(spec) }),
      redactedPaths: Object.entries(spec.promptops.contract.fields)
        .filter(([, rule]) => rule.redact)
        .map(([path]) => path),
    };
    this.entries.set(record.hash, compiled);
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
    return compiled;
  }
}

/**
 * The pipeline's guardrail loader for a project: a version's guardrails are compiled on first use
 * and kept on its compiled entry (implementations load lazily, custom modules from `root`).
 */
export function guardrailLoader(
  custom: Readonly<Record<string, string>>,
  root: string,
): (compiled: CompiledPrompt) => Promise<CompiledGuardrails> {
  return (compiled) => {
    const loading =
      compiled.guardrails ?? compileGuardrails(compiled.record.spec.promptops.guardrails, custom, root);
    compiled.guardrails = loading;
    return loading;
  };
}

/**
 * What a template sees as `@metadata.prompt`: the Dotprompt fields of the spec (name and variant
 * apart, as in the frontmatter). Unlike Dotprompt's, `output.format` is always filled in and the
 * frontmatter as written (`raw`, `ext`) is not there: a version is its canonical spec.
 */
export function promptMetadata(spec: PromptSpec): Record<string, unknown> {
  const name = spec.variant ? spec.name.slice(0, -spec.variant.length - 1) : spec.name;
  return {
    name,
    ...(spec.variant ? { variant: spec.variant } : {}),
    ...(spec.description !== undefined ? { description: spec.description } : {}),
    ...(spec.model ? { model: spec.model } : {}),
    config: spec.config,
    ...(spec.tools.length > 0 ? { tools: spec.tools } : {}),
    output: spec.output.schema ? spec.output : { format: spec.output.format },
  };
}
