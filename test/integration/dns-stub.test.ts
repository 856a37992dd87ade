import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { cliJson, projectName, teardown, upProject } from './helpers.js';

// A network probe's embedded DNS forwards a name it holds no record of to the probe's upstream, its own loopback,
// where the agent answers SERVFAIL at once and sends nothing on (probes/agent/dns-stub.ts). On Docker the verdict then
// rests on an answer, not a timeout (engine 20.10 let the forward time out), and says the name was forwarded to the
// probe's own stub; a name the network holds still resolves (the embedded DNS answers it itself, never the stub).
// Podman's aardvark-dns forwards from the engine host's namespace, not the probe's: nothing changes there.

t.setTimeout(180_000);
const podman = process.env['DOCKPROBE_ENGINE_KIND'] === 'podman';
const project = projectName('dptest-dnsstub');
teardown(t, `tear down ${project}`, await upProject('docker-compose.test.yml', project));
const tmp = await mkdtemp(join(tmpdir(), 'dockprobe-dnsstub-'));

t.test("a foreign name is answered by the probe's own stub, and a name the network holds still resolves", async (t) => {
  const file = join(tmp, 'names.yml');
  await writeFile(
    file,
    [
      `project: ${project}`,
      'timeout: 1s',
      'expect:',
      '  - from: { network: public-facing }',
      '    to: [dns:redis, dns:postgres, dns:worker]',
      '    reachable: false',
      '  - from: { network: public-facing }',
      '    to: [dns:proxy, dns:frontend, dns:api]',
      '    reachable: true',
      '  - from: { network: internal-backend }',
      '    to: [dns:redis, dns:postgres, dns:api]',
      '    reachable: true',
      '',
    ].join('\n'),
  );
  const { report, stderr } = await cliJson(['test', file]);
  if (!report) return t.fail(`a report came\n${stderr}`);
  for (const v of report.verdicts) t.equal(v.status, 'pass', `${v.source} → ${v.target}: ${v.code}: ${v.reason}`);
  for (const v of report.verdicts.filter((v) => v.expected === 'reachable'))
    t.equal(v.code, 'resolved', `${v.source} → ${v.target} resolves: the stub never answers a name the network holds`);
  for (const v of report.verdicts.filter((v) => v.expected !== 'reachable')) {
    if (podman) {
      t.notMatch(v.reason, /stub resolver/, `Podman: ${v.target} never reaches the probe's stub (${v.reason})`);
      continue;
    }
    // An answer came (SERVFAIL, relayed), where a forward to a silent upstream would be a dns-timeout on 20.10.
    t.equal(v.observed, 'dns-error', `${v.target}: an answer came (${v.observed})`);
    t.equal(v.code, 'blocked-by-name', v.target);
    t.match(v.reason, /forwarded upstream to the probe's own stub resolver, sent nowhere/, `${v.target}: ${v.reason}`);
  }
});
