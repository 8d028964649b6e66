export { TaskFailure, taskFailure } from './taskFailure';
