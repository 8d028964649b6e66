export { AlertActions, isSilenced, rulesOf } from './AlertActions';
export { ContainerAlerts } from './ContainerAlerts';
export { readAlertSettings, type AlertSettings } from './config';
export type { Incident, IncidentState } from './IncidentStore';
export { ALERT_EVENT, RECOVERY_EVENT } from './notices';
export { startAlerts, type Alerts } from './startAlerts';
export { sweepAlerts } from './sweep';
export { UsageAlerts, usagePercents } from './UsageAlerts';
