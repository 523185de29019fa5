import { OperationRegistry } from './operations.js';
import { createDoctorOperation, type DoctorDependencies } from './doctor/doctorOperation.js';

export type CatalogDependencies = DoctorDependencies;

/** The one table of operations that every face (CLI, MCP, extension) exposes. */
export function createOperationCatalog(deps: CatalogDependencies = {}): OperationRegistry {
  return new OperationRegistry([createDoctorOperation(deps)]);
}
