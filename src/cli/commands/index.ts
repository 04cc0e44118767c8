import type { Command } from '../command.js';
import { where } from './where.js';

/** Every command, in the order `ccx --help` lists them. */
export const commands: readonly Command[] = [where];
