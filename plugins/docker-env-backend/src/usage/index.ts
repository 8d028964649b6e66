export {
  usageReadsFromConfig,
  USAGE_RANGES,
  RRD_STEP_SECONDS,
  type UsageRange,
  type UsageReads,
  type UsageReport,
} from './UsageReads';
