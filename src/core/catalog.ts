import { OperationRegistry } from './operations.js';
import { createDoctorOperation, type DoctorDependencies } from './doctor/doctorOperation.js';
import { createSessionOperations } from './sessions/operations.js';
import { SessionService } from './sessions/service.js';
import { createVaultHealthOperation, type VaultHealthDependencies } from './vault/vaultOperation.js';

export type CatalogDependencies = DoctorDependencies & VaultHealthDependencies & {
  /** The sessions engine a face shares with its views (sidebar, MCP); one is made from dockerHost otherwise. */
  sessions?: SessionService;
};

/** The one table of operations that every face (CLI, MCP, extension) exposes. */
export function createOperationCatalog(deps: CatalogDependencies = {}): OperationRegistry {
  const sessions = deps.sessions ?? new SessionService({ dockerHost: deps.dockerHost });
  return new OperationRegistry([createDoctorOperation(deps), ...createSessionOperations(sessions), createVaultHealthOperation(deps)]);
}
