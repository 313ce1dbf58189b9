/**
 * The shorthand the table files write their entries in: where a store method's arguments travel,
 * the project path prefix, and list schemas.
 */
import Type, { type TSchema } from 'typebox';
import type { Arg } from '../operation.js';

/** The prefix of every operation inside a project. */
export const P = '/projects/:project';
/** The acting subject: the server takes it from the token, the client never sends it. */
export const actor = { in: 'actor' } as const;
/** The whole body is the argument. */
export const body = { in: 'body' } as const;
/** The whole query string is the argument: a filter. */
export const filter = { in: 'query' } as const;

/** A path parameter, which `parse` (if given) turns into the argument, refusing what is not one. */
export const path = (name: string, parse?: (text: string) => unknown): Arg => ({
  in: 'path',
  name,
  ...(parse ? { parse } : {}),
});
/** One body field is the argument. */
export const field = (name: string): Arg => ({ in: 'body', name });
/** One query field is the argument. */
export const queryField = (name: string): Arg => ({ in: 'query', name });
/** A list of `schema`. */
export const list = (schema: TSchema) => Type.Array(schema);

/** The client's answer to a write whose list (argument `index`) is empty: nothing to send. */
export const emptyWrite =
  (index = 0) =>
  (args: readonly unknown[]) =>
    (args[index] as readonly unknown[]).length === 0 ? { result: undefined } : undefined;
