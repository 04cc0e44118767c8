import type { Command } from '../command.js';
import { add } from './add.js';
import { board } from './board.js';
import { cancel } from './cancel.js';
import { clean } from './clean.js';
import { daemon } from './daemon.js';
import { demo } from './demo.js';
import { doctor } from './doctor.js';
import { forever } from './forever.js';
import { inbox } from './inbox.js';
import { init } from './init.js';
import { logs } from './logs.js';
import { loop } from './loop.js';
import { plan } from './plan.js';
import { service } from './service.js';
import { status } from './status.js';
import { tasks } from './tasks.js';
import { where } from './where.js';

/** Every command, in the order `ccx --help` lists them. */
export const commands: readonly Command[] = [demo, init, where, board, tasks, add, plan, inbox, daemon, status, logs, cancel, clean, loop, forever, service, doctor];
