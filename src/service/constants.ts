import { DEFAULT_SHUTDOWN_GRACE_MS } from '../config/env.js';

/** The systemd user unit's name. */
export const SYSTEMD_UNIT = 'ccx.service';
/** How to read the systemd service's output. */
export const JOURNAL_COMMAND = 'journalctl --user -u ccx -f';
/**
 * The launchd label (and plist name). launchd wants a reverse-DNS name that is unique on the
 * machine; ccx owns no domain, so `dev.ccx` is a stable, unambiguous prefix, and `daemon` says
 * which program it runs.
 */
export const LAUNCHD_LABEL = 'dev.ccx.daemon';

/** What the service runs after `<node> <cli>`. launchd's adds service mode: it has no start limit of its own. */
export const SYSTEMD_DAEMON_ARGS = ['daemon'] as const;
export const SERVICE_MODE_FLAG = '--service';
export const LAUNCHD_DAEMON_ARGS = ['daemon', SERVICE_MODE_FLAG] as const;

/** Starts allowed within the interval before the service gives up (systemd's StartLimit*, and ours for launchd). */
export const START_LIMIT_BURST = 5;
export const START_LIMIT_INTERVAL_SEC = 300;
/** systemd's pause between a crash and the restart. */
export const RESTART_SEC = 5;
/** launchd's minimum time between two starts. */
export const THROTTLE_INTERVAL_SEC = 10;
/** How long the service manager waits after SIGTERM: the daemon's grace plus room to stop process groups. */
export const TIMEOUT_STOP_SEC = DEFAULT_SHUTDOWN_GRACE_MS / 1000 + 10;

/** How long one systemctl, launchctl or loginctl call may take. */
export const TOOL_TIMEOUT_MS = 15_000;
