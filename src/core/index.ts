// The core's public surface for the extension, which loads it lazily as dist/core.js.
export { createOperationCatalog } from './catalog.js';
export { formatDoctorReport } from './doctor/doctorOperation.js';
export { describeError, asBerthError, BerthError, type ErrorCode, type ErrorKind } from './errors.js';
export type { OperationContext, OperationRegistry, Origin } from './operations.js';
export { SessionService, type SessionServiceDependencies } from './sessions/service.js';
export { settingsFromConfig, type SessionSettings } from './sessions/settings.js';
export { SessionKeeper } from './sessions/keeper.js';
export { newOwner, ownerFromId, POLICY_WORDS, type SessionOwner, type SessionPolicy } from './sessions/owner.js';
export type { ExecutionProvider } from './sessions/provider.js';
export type { Session, SessionEvent, SessionHealth, SessionStats, Disposable as SessionsDisposable } from './sessions/types.js';
export { formatTranscriptEvent, type TranscriptEvent } from './sessions/agent/transcript.js';
export {
  formatVaultReport,
  type VaultReport,
  type LinkProblem,
  type AmbiguousLink,
  type MissingFragment,
  type FrontmatterIssue,
  type NameClash,
} from './vault/health.js';
export { points, type ScoreLine, type CheckName } from './vault/score.js';
export { Vaults, type LiveVault, type LiveVaultState } from './vault/live.js';
export { lastBackup, backupAge, vaultBackupsFolder, type LastBackup } from './vault/backup/lastBackup.js';
export type { EditSet, TextEdit, FileCreate, FileDelete } from './vault/edits.js';
export { applyTextEdits } from './vault/repair/textEdits.js';
export type { RepairOutput } from './vault/repairOperations.js';
export * as mcp from './mcp/index.js';
