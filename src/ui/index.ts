export { startUiServer, type UiServer, type UiServerOptions } from './server/ui-server.js';
