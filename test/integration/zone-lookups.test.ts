import { createSocket } from 'node:dgram';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import t from 'tap';
import { cliJson, projectName, teardown, upProject } from './helpers.js';

// Zone names never leave the host on Docker, whatever else a probe does. A probe that also had an outside name to
// resolve once kept the engine's upstream DNS for all its lookups, so the zone names it asked about (redis, expected
// not to resolve on public-facing) were forwarded to the host's resolver: 4 packets against 0 without the outside name.
// On Podman, aardvark-dns runs in the engine host's namespace and forwards a name it does not know, from a network
// that is not internal, to the probe's DNS servers there: by default 127.0.0.1, the engine host's own loopback, where
// a resolver of the host's may listen and send it on. There the verdict says the name was forwarded upstream
// (name-forwarded-upstream), and this file checks each such verdict against what its fake resolvers were asked.
//
// Tested on the default path, not through --dns-upstream: the engine's own resolver configuration names a fake
// resolver that counts what it is asked. Only an inner engine of the matrix can have one: its network namespace
// (where this file runs, nsenter -n) has nothing but lo, so the test gives the address its resolv.conf names to a
// dummy interface there and listens on it. The machine's real resolver is never queried: that address exists only
// inside the inner engine's namespace. On the host engine the test is skipped, since it would have to answer in the
// place of the machine's resolver.

t.setTimeout(180_000);
const enginePid = process.env['DOCKPROBE_ENGINE_PID'];

if (!enginePid || process.getuid?.() !== 0) {
  t.test(
    'zone lookups stay on the host',
    { skip: 'needs an inner engine of the matrix (trixie-v2, sid-v2, podman-v2 cells) and root' },
    () => undefined,
  );
} else {
  const resolvConf = await readFile(`/proc/${enginePid}/root/etc/resolv.conf`, 'utf8');
  const nameserver = /^nameserver\s+(\d+\.\d+\.\d+\.\d+)\s*$/m.exec(resolvConf)?.[1];
  t.ok(nameserver, `the inner engine's resolv.conf names an IPv4 resolver:\n${resolvConf}`);
  // This process is in the inner engine's namespace: the listener (and, for an address that is not loopback, the
  // dummy interface that holds it) live and die there. A loopback resolver is what engines 26 and later forward to
  // from the engine's own namespace.
  if (!nameserver!.startsWith('127.')) {
    await execa('ip', ['link', 'add', 'dp-fakedns', 'type', 'dummy'], { timeout: 10_000 });
    teardown(t, 'remove the fake resolver interface', async () => {
      await execa('ip', ['link', 'del', 'dp-fakedns'], { reject: false, timeout: 10_000 });
      return [];
    });
    await execa('ip', ['addr', 'add', `${nameserver}/32`, 'dev', 'dp-fakedns'], { timeout: 10_000 });
    await execa('ip', ['link', 'set', 'dp-fakedns', 'up'], { timeout: 10_000 });
  }
  const asked: string[] = [];
  // The engine's resolver, and 127.0.0.1 of the engine's namespace: where Podman's aardvark-dns sends a probe's names
  // by default (the probes' isolated upstream, which there is the engine host's loopback).
  for (const address of [...new Set([nameserver!, '127.0.0.1'])]) {
    const resolver = createSocket('udp4');
    resolver.on('message', (query) => {
      // The question's name, label by label; no answer is sent: a count is all this resolver is for.
      const labels: string[] = [];
      for (let i = 12; i < query.length && query[i]! > 0; i += query[i]! + 1)
        labels.push(query.subarray(i + 1, i + 1 + query[i]!).toString('latin1'));
      asked.push(labels.join('.').toLowerCase());
    });
    await new Promise<void>((resolve) => resolver.bind(53, address, resolve));
    t.teardown(() => resolver.close());
  }

  const project = projectName('dptest-zonedns');
  teardown(t, `tear down ${project}`, await upProject('docker-compose.test.yml', project));
  const tmp = await mkdtemp(join(tmpdir(), 'dockprobe-zonedns-'));

  t.test(
    'a zone name is forwarded upstream exactly where its verdict says so, and never beside an outside name',
    async (t) => {
      const file = join(tmp, 'zone.yml');
      await writeFile(
        file,
        `project: ${project}\ntimeout: 1s\nexpect:\n  - from: { network: public-facing }\n    to: [dns:redis, dns:postgres, redis:6379]\n    reachable: false\n  - from: { network: public-facing }\n    to: [internet]\n    reachable: true\n  - from: { network: internal-backend }\n    to: [dns:proxy]\n    reachable: false\n`,
      );
      const { report, stderr } = await cliJson(['test', file, '--internet', 'http://outside.dptest.example:8080/']);
      t.ok(report, `a report came\n${stderr}`);
      const zone = ['redis', 'postgres', 'proxy', 'frontend', 'api', 'worker'];
      const leaked = asked.filter(
        (name) => zone.some((z) => name === z || name.startsWith(`${z}.`)) || name.startsWith('dockprobe-'),
      );
      const seen = `it was asked: ${asked.join(', ') || 'nothing'}`;
      // The positive control: the resolver does see what is forwarded, so its silence about a name means something.
      t.ok(asked.includes('outside.dptest.example'), `the outside name was forwarded to it (${seen})`);
      for (const v of report!.verdicts.filter((v) => v.target !== 'internet'))
        t.equal(v.status, 'pass', `${v.source} → ${v.target}: ${v.code}: ${v.reason}`);
      // The oracle is the resolvers: a dns: cell says its name was forwarded exactly when a resolver was asked it.
      for (const v of report!.verdicts.filter((v) => v.target.startsWith('dns:'))) {
        const name = v.target.slice('dns:'.length);
        const reached = leaked.some((n) => n === name || n.startsWith(`${name}.`));
        t.equal(
          v.code,
          reached ? 'name-forwarded-upstream' : 'blocked-by-name',
          `${v.source} → ${v.target}: the resolver was ${reached ? '' : 'not '}asked '${name}' (${seen})`,
        );
        if (reached) t.match(v.reason, /the name was forwarded upstream: Podman's aardvark-dns/);
      }
      const redis = report!.verdicts.find((v) => v.target === 'redis:6379')!;
      t.equal(
        /the name was forwarded upstream/.test(redis.reason),
        leaked.some((n) => n === 'redis' || n.startsWith('redis.')),
        `redis:6379 says its name was forwarded upstream exactly when it was: ${redis.reason}`,
      );
      if (process.env['DOCKPROBE_ENGINE_KIND'] === 'podman') {
        // aardvark-dns forwards what it does not know from a network that is not internal, and nothing from one that is.
        t.ok(
          ['redis', 'postgres'].every((z) => leaked.some((n) => n === z || n.startsWith(`${z}.`))),
          `Podman: the public zone's unknown names reached the resolver (${seen})`,
        );
      } else {
        // Docker: zone names never leave the host, whatever else a probe does.
        t.same(leaked, [], `no zone name reached the upstream resolver (${seen})`);
      }
    },
  );
}
