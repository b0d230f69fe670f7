import type { Argv, CommandModule } from 'yargs';
import { yargsFlag } from '../options/yargs-flag.js';
import type { SandboxCommandIo } from './cli.js';
import { faultEntries, serverEntries, switchFlag, type SwitchSpec } from './switches.js';

/**
 * `nlpearl-leads sandbox`: a flag for every switch of the table. The server and its schemas load when the
 * command runs, so --help stays quick.
 */
export function sandboxCommand(io: Pick<SandboxCommandIo, 'stdout'>): CommandModule {
  return {
    command: 'sandbox',
    describe: 'run a local NLPearl-compatible server on 127.0.0.1 (for demos and tests)',
    builder: (y: Argv) =>
      withSwitches(withSwitches(y, serverEntries, 'Server:'), faultEntries, 'Faults:').example([
        ['$0 sandbox --port 8080 --latency 20 --rate-5xx 0.05', ''],
        ['export NLPEARL_API_TOKEN=sandbox-account:sandbox-secret   # then, in another terminal:', ''],
        ['$0 import leads.csv --outbound sandbox-outbound --api-url http://127.0.0.1:8080', ''],
      ]),
    handler: async (flags) => {
      const { runSandboxCommand, sandboxCommandOptions } = await import('./cli.js');
      await runSandboxCommand(sandboxCommandOptions(flags), { stdout: io.stdout });
    },
  };
}

function withSwitches(y: Argv, entries: readonly (readonly [string, SwitchSpec])[], group: string): Argv {
  let flags = y;
  for (const [name, spec] of entries)
    flags = flags.option(switchFlag(name, spec), yargsFlag(spec, { group }));
  return flags;
}
