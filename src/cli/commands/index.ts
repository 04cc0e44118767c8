import type { Command } from '../command.js';

/** A command's name and one-line summary, and how to load it: only the command that runs is loaded. */
export interface CommandEntry {
  name: string;
  summary: string;
  load(): Promise<Command>;
}

/** Every command, in the order `ccx --help` lists them. */
export const commands: readonly CommandEntry[] = [
  { name: 'demo', summary: 'Run the whole job on the built-in example: five tasks implemented, reviewed and merged.', load: async () => (await import('./demo.js')).demo },
  { name: 'init', summary: 'Set up ccx for the repository you are in; prints its STATE_DIR.', load: async () => (await import('./init.js')).init },
  { name: 'where', summary: 'Print the STATE_DIR of the current repository.', load: async () => (await import('./where.js')).where },
  { name: 'board', summary: 'Open BOARD.md in $VISUAL or $EDITOR (or print it).', load: async () => (await import('./board.js')).board },
  { name: 'tasks', summary: 'List the tasks on the board, with any problems and their line:column.', load: async () => (await import('./tasks.js')).tasks },
  { name: 'add', summary: 'Add a task to the board; prints its id.', load: async () => (await import('./add.js')).add },
  { name: 'plan', summary: 'Have the implementer agent draft board rows from a prompt or a design document.', load: async () => (await import('./plan.js')).plan },
  { name: 'inbox', summary: 'Ingest the files in <repo>/.ccx/inbox/ once, by hand.', load: async () => (await import('./inbox.js')).inbox },
  { name: 'daemon', summary: 'Run the daemon in the foreground: watch every board, run and merge tasks.', load: async () => (await import('./daemon.js')).daemon },
  { name: 'status', summary: 'Show the daemon, every repository, its tasks and board problems.', load: async () => (await import('./status.js')).status },
  { name: 'ui', summary: 'Serve a local dashboard (127.0.0.1) to watch, submit and steer tasks from a browser.', load: async () => (await import('./ui.js')).ui },
  { name: 'logs', summary: 'Show the audit log of the repository you are in; -f follows it.', load: async () => (await import('./logs.js')).logs },
  { name: 'answer', summary: 'Answer the question a task asked you (STATE_DIR/asks/T-<n>.md).', load: async () => (await import('./answer.js')).answer },
  { name: 'cancel', summary: 'Cancel a pending or running task (its branch is kept).', load: async () => (await import('./cancel.js')).cancel },
  { name: 'archive', summary: 'Move merged and cancelled rows off BOARD.md into STATE_DIR/archive/, byte for byte.', load: async () => (await import('./archive.js')).archive },
  { name: 'clean', summary: 'Remove the worktree and branch of a finished task, or every left-over one.', load: async () => (await import('./clean.js')).clean },
  { name: 'loop', summary: 'Run one task now, in the foreground: implement, review, fix for a fixed number of cycles.', load: async () => (await import('./loop.js')).loop },
  { name: 'forever', summary: 'Run one task now, in the foreground, until the reviewer approves (capped).', load: async () => (await import('./forever.js')).forever },
  { name: 'runner', summary: 'Run attempts a daemon on another host publishes to NATS JetStream (config.yaml runners:).', load: async () => (await import('./runner.js')).runner },
  { name: 'service', summary: 'Run the daemon as a systemd user service (Linux) or launchd agent (macOS).', load: async () => (await import('./service.js')).service },
  { name: 'completion', summary: 'Print a completion script for bash, zsh or fish.', load: async () => (await import('./completion.js')).completion },
  { name: 'doctor', summary: 'Check what ccx needs: node, git, claude and codex (and their logins), the data root, the service.', load: async () => (await import('./doctor.js')).doctor },
];

/** Commands ccx runs itself, left out of --help and completion. */
export const hiddenCommands: readonly CommandEntry[] = [
  { name: 'mcp', summary: 'Serve the ask_person MCP tool for one agent turn (started by ccx).', load: async () => (await import('./mcp.js')).mcp },
];
