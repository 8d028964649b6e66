export { DatabaseFinalBackupStore } from './FinalBackupStore';
export type { FinalBackup, FinalBackupStore } from './FinalBackupStore';
export { recordFinalBackup, recordRestoreOutcome } from './finalBackupRecords';
export { pruneFinalBackups } from './pruneFinalBackups';
export { FinalBackups } from './FinalBackups';
export type { ListedFinalBackup } from './FinalBackups';
