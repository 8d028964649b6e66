export { sleep } from './sleep';
export { callSignal, throwIfCallAborted, withCallSignal } from './callSignal';
