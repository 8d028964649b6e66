export { Mailer } from './Mailer';
export type {
  MailMessage,
  MailSendResult,
  MailSender,
  MailerOptions,
  SmtpOptions,
} from './Mailer';
