import type { ServiceManager } from './host.js';

/** What install or uninstall did, line by line, and what the person should know. */
export interface ServiceReport {
  done: string[];
  notes: string[];
}

export interface ServiceStatus {
  manager: ServiceManager;
  /** The unit or plist path. */
  file: string;
  installed: boolean;
  /** null: the service manager could not be asked (see `unknown`). */
  enabled: boolean | null;
  running: boolean | null;
  pid: number | null;
  /** The manager's own word for the state (active, failed, inactive, running, …). */
  state: string | null;
  /** Why enabled/running are unknown, and what to do about it. */
  unknown: { reason: string; fix: string | null } | null;
  /** Where the service's output is, as a command or a path. */
  logs: string;
  /** Problems with the installed file (a node that no longer exists, …), each with its fix. */
  problems: string[];
  /** Linux: whether the user manager outlives the login session; null off Linux or when it cannot be told. */
  linger: boolean | null;
}
