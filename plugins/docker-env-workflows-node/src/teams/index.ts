export {
  syncTeamsOnce,
  type TeamSyncChange,
  type TeamSyncEnvironment,
  type TeamSyncReport,
} from './syncTeams';
