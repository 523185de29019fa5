import { OperationRegistry } from './operations.js';
import { createDoctorOperation, type DoctorDependencies } from './doctor/doctorOperation.js';
import { createSessionOperations } from './sessions/operations.js';
import { SessionService } from './sessions/service.js';
import { createVaultFixOperations } from './vault/fixOperations.js';
import { Vaults } from './vault/live.js';
import { createVaultHealthOperation, type VaultHealthDependencies } from './vault/vaultOperation.js';

export type CatalogDependencies = DoctorDependencies &
  Partial<VaultHealthDependencies> & {
    /** The sessions service a face shares with its views (sidebar, MCP); one is made from dockerHost otherwise. */
    sessions?: SessionService;
  };

/** The one table of operations that every face (CLI, MCP, extension) exposes. */
export function createOperationCatalog(deps: CatalogDependencies = {}): OperationRegistry {
  const sessions = deps.sessions ?? new SessionService({ dockerHost: deps.dockerHost });
  const vaults = { ...deps, vaults: deps.vaults ?? new Vaults() };
  return new OperationRegistry([createDoctorOperation(deps), ...createSessionOperations(sessions), createVaultHealthOperation(vaults), ...createVaultFixOperations(vaults)]);
}
