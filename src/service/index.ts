export {
  JOURNAL_COMMAND,
  LAUNCHD_DAEMON_ARGS,
  LAUNCHD_LABEL,
  SERVICE_MODE_FLAG,
  START_LIMIT_BURST,
  START_LIMIT_INTERVAL_SEC,
  SYSTEMD_DAEMON_ARGS,
  SYSTEMD_UNIT,
  TIMEOUT_STOP_SEC,
} from './constants.js';
export { currentServiceHost, serviceDataRoot, serviceManager, servicePaths, type ServiceHost, type ServiceManager, type ServicePaths } from './host.js';
export { renderLaunchdPlist } from './launchd/plist.js';
export { installService, serviceStatus, uninstallService } from './manage.js';
export { runInServiceMode, type ServiceModeOptions } from './service-mode.js';
export { serviceSpec, type ServiceSpec } from './spec.js';
export { clearServiceStarts, DEFAULT_START_LIMIT, readServiceStarts, recordServiceStart, type StartDecision, type StartLimit, type StartRecord } from './start-limit.js';
export { lingerState, type LingerState } from './systemd/linger.js';
export { renderSystemdUnit } from './systemd/unit.js';
export { installRunnerService, renderRunnerUnit, RUNNER_UNIT, uninstallRunnerService } from './systemd/runner-unit.js';
export type { ServiceReport, ServiceStatus } from './types.js';
