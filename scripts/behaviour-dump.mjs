#!/usr/bin/env node
// Dumps what dockprobe decides on the reference topology and on its broken twin, with everything that differs from
// run to run normalised away, so that two builds can be compared verdict by verdict and row by row:
//
//   node scripts/behaviour-dump.mjs dump DIR        bring both topologies up on the engine at hand (DOCKER_HOST),
//                                                  run each case, write DIR/<case>.json, tear both down
//   node scripts/behaviour-dump.mjs compare A B     exit 0 when the two dumps decide the same, else print each
//                                                  difference and exit 1
//
// A case's file keeps, per verdict, (source, target, expected, status, code, probe error code) and, per drill row,
// (source, target, kind, status, code): what a refactoring must not change. The JSON envelope (format, version) and
// whatever names a run (ids, addresses, latencies, times, project names) are left out. Uses the built CLI
// (npm run build first). Traffic goes only to the containers it creates.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const bin = join(root, 'dist/cli/bin.cjs');
const TIMEOUT_MS = 10 * 60_000;

function run(cmd, args, env = {}) {
  const r = spawnSync(cmd, args, {
    cwd: root,
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout: TIMEOUT_MS,
    maxBuffer: 256 * 1024 * 1024,
  });
  if (r.error) throw new Error(`${cmd} ${args.join(' ')}: ${r.error.message}`);
  return r;
}

function compose() {
  const forced = process.env.DOCKPROBE_COMPOSE;
  if (forced === 'docker-compose') return ['docker-compose'];
  if (forced !== 'docker-compose' && run('docker', ['compose', 'version']).status === 0) return ['docker', 'compose'];
  return ['docker-compose'];
}

function up(project, file, image) {
  const [cmd, ...pre] = compose();
  const r = run(cmd, [...pre, '-p', project, '-f', file, 'up', '-d'], { DOCKPROBE_IMAGE: image, DOCKPROBE_RUN: '' });
  if (r.status !== 0) throw new Error(`compose up ${project}: ${r.stderr}`);
}

function down(project, file, image) {
  const [cmd, ...pre] = compose();
  run(cmd, [...pre, '-p', project, '-f', file, 'down', '-v', '--remove-orphans', '-t', '2'], {
    DOCKPROBE_IMAGE: image,
  });
}

// The cases: each is a dockprobe command line with --format json; PROJECT is replaced by the topology's project.
const CASES = {
  'test-reference': ['test', 'scenarios/reference.yml', '--project', 'PROJECT', '--format', 'json'],
  'test-rules': ['test', 'scenarios/reference-rules.yml', '--project', 'PROJECT', '--format', 'json'],
  'test-infer': ['test', '--infer', '--project', 'PROJECT', '--format', 'json'],
  'drill-all': ['drill', '--all', '--project', 'PROJECT', '--format', 'json'],
  'drill-proxy': ['drill', '--from', 'proxy', '--project', 'PROJECT', '--format', 'json'],
  'drill-network': ['drill', '--from', 'network:public-facing', '--project', 'PROJECT', '--format', 'json'],
};

function project(report) {
  const out = {};
  if (Array.isArray(report.verdicts)) {
    out.verdicts = report.verdicts.map((v) => ({
      source: v.source,
      target: v.target,
      expected: v.expected,
      status: v.status,
      code: v.code,
      ...(v.probeErrorCode ? { probeErrorCode: v.probeErrorCode } : {}),
    }));
  }
  if (Array.isArray(report.rows)) {
    out.rows = report.rows.map((r) => ({
      source: r.source,
      target: r.target,
      kind: r.kind,
      status: r.status,
      code: r.code,
    }));
  }
  if (Array.isArray(report.staticFindings))
    out.staticFindings = report.staticFindings.map((f) => f.code ?? f.kind ?? '?');
  if (report.summary) out.summary = report.summary;
  return out;
}

function dump(dir) {
  mkdirSync(dir, { recursive: true });
  const built = run('node', [bin, 'image', 'build']);
  if (built.status !== 0) throw new Error(`image build: ${built.stderr}`);
  const image = built.stdout.trim().split('\n').pop();
  const topologies = { reference: 'docker-compose.test.yml', broken: 'docker-compose.broken.yml' };
  for (const [name, file] of Object.entries(topologies)) {
    const projectName = `dp-dump-${name}`;
    down(projectName, file, image);
    up(projectName, file, image);
    try {
      // The containers' own start: give the listeners a moment, as the integration suite's wait does.
      run('sleep', ['3']);
      for (const [caseName, args] of Object.entries(CASES)) {
        const argv = args.map((a) => (a === 'PROJECT' ? projectName : a));
        const r = run('node', [bin, ...argv, '--quiet']);
        let report;
        try {
          report = JSON.parse(r.stdout);
        } catch {
          report = { unparsed: r.stdout.slice(0, 2000), stderr: r.stderr.slice(0, 2000) };
        }
        const out = { exitCode: r.status, ...project(report) };
        writeFileSync(join(dir, `${name}-${caseName}.json`), `${JSON.stringify(out, null, 2)}\n`);
        process.stderr.write(`${name} ${caseName}: exit ${r.status}\n`);
      }
    } finally {
      down(projectName, file, image);
    }
  }
}

function compare(a, b) {
  const names = new Set([...readdirSync(a), ...readdirSync(b)].filter((f) => f.endsWith('.json')));
  let differences = 0;
  for (const name of [...names].sort()) {
    let left;
    let right;
    try {
      left = JSON.parse(readFileSync(join(a, name), 'utf8'));
      right = JSON.parse(readFileSync(join(b, name), 'utf8'));
    } catch (e) {
      console.log(`${name}: ${e.message}`);
      differences++;
      continue;
    }
    for (const key of new Set([...Object.keys(left), ...Object.keys(right)])) {
      const l = left[key];
      const r = right[key];
      if (JSON.stringify(l) === JSON.stringify(r)) continue;
      differences++;
      if (Array.isArray(l) && Array.isArray(r)) {
        const ls = new Set(l.map((x) => JSON.stringify(x)));
        const rs = new Set(r.map((x) => JSON.stringify(x)));
        for (const x of ls) if (!rs.has(x)) console.log(`${name} ${key}: only in ${a}: ${x}`);
        for (const x of rs) if (!ls.has(x)) console.log(`${name} ${key}: only in ${b}: ${x}`);
        if (l.length === r.length && [...ls].every((x) => rs.has(x)))
          console.log(`${name} ${key}: same rows, other order`);
      } else {
        console.log(`${name} ${key}: ${JSON.stringify(l)} vs ${JSON.stringify(r)}`);
      }
    }
  }
  console.log(
    differences === 0 ? `same: ${names.size} cases` : `${differences} difference(s) over ${names.size} cases`,
  );
  return differences === 0 ? 0 : 1;
}

const [verb, ...rest] = process.argv.slice(2);
if (verb === 'dump' && rest.length === 1) dump(resolve(rest[0]));
else if (verb === 'compare' && rest.length === 2) process.exitCode = compare(resolve(rest[0]), resolve(rest[1]));
else {
  console.error('usage: node scripts/behaviour-dump.mjs dump DIR | compare DIR_A DIR_B');
  process.exitCode = 2;
}
