import type { Command } from '../command.js';
import { add } from './add.js';
import { board } from './board.js';
import { doctor } from './doctor.js';
import { forever } from './forever.js';
import { inbox } from './inbox.js';
import { init } from './init.js';
import { logs } from './logs.js';
import { loop } from './loop.js';
import { service } from './service.js';
import { tasks } from './tasks.js';
import { where } from './where.js';

/** Every command, in the order `ccx --help` lists them. */
export const commands: readonly Command[] = [init, where, board, tasks, add, inbox, loop, forever, logs, service, doctor];
