export { NOTIFY_DEFAULTS, SinkChannel, digestOf, type DeliveryFailure, type DeliveryOptions } from './channel.js';
export { parseNotifyFile, readNotifySinks } from './config.js';
export { plainText, webhookBody } from './format.js';
export { NOTIFY_FILE, loadGlobalSinks, notifyFilePath } from './global.js';
export { notificationFor } from './messages.js';
export { Notifier, targetOf, type NotifierOptions } from './notifier.js';
export { DEFAULT_NOTIFY_EVENTS, NOTIFY_EVENTS, WEBHOOK_FORMATS, type Digest, type Message, type Notification, type NotifyEvent, type SinkConfig } from './types.js';
