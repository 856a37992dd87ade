import type { CliContext } from '../cli-context.js';
import { defineCommand } from '../define-command.js';

/** `dockprobe validate FILE…`: check scenario files without touching Docker. */
export function validateCommand(context: CliContext) {
  return defineCommand({
    command: 'validate <files..>',
    describe: 'Check scenario files (syntax, keys, ports, durations) without touching Docker',
    builder: (y) => y.positional('files', { type: 'string', array: true, demandOption: true }),
    handler: async (argv) => {
      const { loadScenario } = await import('../../scenario/parse-scenario.js');
      for (const file of argv.files) {
        const scenario = await loadScenario(file);
        const cells = scenario.expectations.reduce((n, e) => n + e.to.length, 0);
        const traefik = scenario.traefik ? `, the Traefik routes of ${scenario.traefik.proxy ?? 'the proxy found by its image'}` : '';
        context.stdout.write(`${file}: ok (${scenario.expectations.length} expectations, ${cells} targets${traefik})\n`);
      }
    },
  });
}
