// Notifications (SMS / WeChat template messages): the service, its providers and templates.
export { NotificationService, SendNotificationInput, MAX_LOG_PAGE, type NotificationLogEntry, type NotificationStatus, type OptOutChannel } from './notification-service.js';
export { ConsoleFileProvider, type Channel, type InboxLine, type NotificationProvider, type OutgoingMessage } from './notification-provider.js';
export { TEMPLATES, TEMPLATE_IDS, LOCALES, renderTemplate, missingVars, type Locale, type Template, type TemplateId, type TemplateVars } from './notification-templates.js';
