import type { CommandHandlers } from './cli-program.js';
import { downloadCommand } from './commands/download-command.js';
import { evalCommand } from './commands/eval-command.js';
import { exportCommand } from './commands/export-command.js';
import { infoCommand } from './commands/info-command.js';
import { predictCommand } from './commands/predict-command.js';
import { trainCommand } from './commands/train-command.js';

/** The real implementations behind each `cnnkit` command. */
export const commandHandlers: CommandHandlers = {
  train: trainCommand,
  eval: evalCommand,
  predict: predictCommand,
  download: downloadCommand,
  info: infoCommand,
  export: exportCommand,
};
