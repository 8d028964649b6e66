export { TRANSFER_FIELD, validTransfer } from './transferRequest';
export { startTransfer } from './startTransfer';
