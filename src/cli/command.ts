import type { Area } from '../core/catalog.js';
import type { AnyOperation } from '../core/operations.js';
import { schemaFields, type Field } from './fields.js';

/**
 * An operation as the CLI knows it before loading it: enough to find its command, explain it and
 * parse its command line. dist/cli.js holds one for every operation, computed at build time.
 */
export interface Command {
  name: string;
  title: string;
  description: string;
  cli: AnyOperation['cli'];
  fields: Field[];
  /** The part of the catalog that holds it, the one part the CLI loads to run it. */
  area?: Area;
}

export function commandOf(operation: AnyOperation, area?: Area): Command {
  const { name, title, description, cli } = operation;
  return { name, title, description, cli, fields: schemaFields(operation), ...(area ? { area } : {}) };
}

/** A command as it is, an operation as the CLI describes it. */
export const asCommand = (command: Command | AnyOperation): Command => ('fields' in command ? command : commandOf(command));
