export { WebhookSender, parseRetryAfter } from './WebhookSender';
export type {
  WebhookAttempt,
  WebhookDeliveryReport,
  WebhookDeliveryRequest,
  WebhookSenderDeps,
  WebhookSenderOptions,
} from './WebhookSender';
export {
  DEFAULT_SIGNATURE_TOLERANCE_SEC,
  WEBHOOK_DELIVERY_HEADER,
  WEBHOOK_EVENT_HEADER,
  WEBHOOK_SIGNATURE_HEADER,
  signWebhookPayload,
  verifyWebhookSignature,
} from './signature';
export type { WebhookVerification } from './signature';
