/* eslint-disable @typescript-eslint/no-require-imports -- each area is required when it is built, not when the catalog is */
import { OperationRegistry, type AnyOperation } from './operations.js';
import type * as Doctor from './doctor/doctorOperation.js';
import type * as Isolation from './isolation/operation.js';
import type * as McpOperations from './mcp/operations.js';
import type * as McpTokens from './mcp/tokens.js';
import type * as SessionOperations from './sessions/operations.js';
import type * as Service from './sessions/service.js';
import type * as VaultBackups from './vault/backupOperations.js';
import type * as VaultFixes from './vault/fixOperations.js';
import type * as LiveVaults from './vault/live.js';
import type * as VaultRepair from './vault/repairOperations.js';
import type * as VaultHealth from './vault/vaultOperation.js';

export type CatalogDependencies = Doctor.DoctorDependencies &
  Partial<VaultHealth.VaultHealthDependencies> & {
    /** The sessions service a face shares with its views (sidebar, MCP); one is made from dockerHost otherwise. */
    sessions?: Service.SessionService;
    /** Where MCP tokens are kept: SecretStorage in VS Code; the state folder's file otherwise. */
    mcpTokens?: McpTokens.TokenStore;
  };

const sessionsOf = (deps: CatalogDependencies): Service.SessionService =>
  deps.sessions ?? new (require('./sessions/service.js') as typeof Service).SessionService({ dockerHost: deps.dockerHost });

/**
 * The table in parts, each loaded only when it is built: a face that needs one part (the CLI runs
 * one command) never loads the others, so a session start reads no vault code and a vault health no
 * Docker client. In this order the parts make the table.
 */
const AREAS = {
  doctor: (deps: CatalogDependencies): AnyOperation[] => [(require('./doctor/doctorOperation.js') as typeof Doctor).createDoctorOperation(deps)],
  sessions: (deps: CatalogDependencies): AnyOperation[] => {
    const { createSessionOperations } = require('./sessions/operations.js') as typeof SessionOperations;
    const { createIsolationOperation } = require('./isolation/operation.js') as typeof Isolation;
    const service = sessionsOf(deps);
    // The isolation report probes a session started through the same service, with its settings.
    return [...createSessionOperations(service), createIsolationOperation(service)];
  },
  vault: (deps: CatalogDependencies): AnyOperation[] => {
    const { Vaults } = require('./vault/live.js') as typeof LiveVaults;
    const { createVaultHealthOperation } = require('./vault/vaultOperation.js') as typeof VaultHealth;
    const { createVaultFixOperations } = require('./vault/fixOperations.js') as typeof VaultFixes;
    const { createVaultBackupOperations } = require('./vault/backupOperations.js') as typeof VaultBackups;
    const { createVaultRepairOperations } = require('./vault/repairOperations.js') as typeof VaultRepair;
    const vaults = { ...deps, vaults: deps.vaults ?? new Vaults() };
    return [createVaultHealthOperation(vaults), ...createVaultFixOperations(vaults), ...createVaultBackupOperations(vaults), ...createVaultRepairOperations(vaults)];
  },
  mcp: (deps: CatalogDependencies): AnyOperation[] => {
    const { createMcpOperations } = require('./mcp/operations.js') as typeof McpOperations;
    const { FileTokenStore } = require('./mcp/tokens.js') as typeof McpTokens;
    const sessions = sessionsOf(deps);
    // The server serves the rest of the table, with the same sessions service.
    const served = { ...deps, sessions };
    return createMcpOperations({ operations: () => createOperationCatalog(served, ['doctor', 'sessions', 'vault']), sessions, tokens: deps.mcpTokens ?? new FileTokenStore() });
  },
};

export type Area = keyof typeof AREAS;
export const CATALOG_AREAS = Object.keys(AREAS) as Area[];

/** The one table of operations that every face (CLI, MCP, extension) exposes, or the parts of it a face asks for. */
export function createOperationCatalog(deps: CatalogDependencies = {}, areas: readonly Area[] = CATALOG_AREAS): OperationRegistry {
  return new OperationRegistry(areas.flatMap((area) => AREAS[area](deps)));
}
