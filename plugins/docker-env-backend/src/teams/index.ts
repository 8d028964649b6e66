export {
  runTeamSync,
  scheduleTeamSync,
  teamSyncScheduleFromConfig,
  TEAM_SYNC_ACTOR,
  TEAM_SYNC_TASK_ID,
  type TeamSyncDeps,
  type TeamSyncTrigger,
} from './scheduleTeamSync';
