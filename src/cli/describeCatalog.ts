import { CATALOG_AREAS, createOperationCatalog } from '../core/catalog.js';
import { commandOf, type Command } from './command.js';

/**
 * Every operation of the catalog as the CLI describes it, with the part of the catalog it is in.
 * In dist/cli.js this module is its own result, computed at build time (esbuild.mjs), so that
 * help, finding a command and reading its flags load no operation and no schema.
 */
export function describeCatalog(): Command[] {
  return CATALOG_AREAS.flatMap((area) =>
    createOperationCatalog({}, [area])
      .list()
      .filter((operation) => !operation.faces || operation.faces.includes('cli'))
      .map((operation) => commandOf(operation, area)),
  );
}
