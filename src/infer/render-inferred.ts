import type { InferModel } from './infer-model.js';
import type { InferredEntry } from './infer-expectations.js';

const source = (e: InferredEntry) => (e.from === 'host' ? 'host' : `network ${e.from.network}`);

/** The matrix, one line per (source, target): what is expected, and why it was inferred. */
export function renderMatrix(model: InferModel, entries: readonly InferredEntry[]): string {
  const rows = entries.flatMap((e) =>
    e.to.map((t) => [source(e), t.target, e.reachable ? 'reachable' : 'blocked', t.why] as const),
  );
  const w0 = Math.max(...rows.map((r) => r[0].length), 0);
  const w1 = Math.max(...rows.map((r) => r[1].length), 0);
  const lines = rows.map(([s, t, x, why]) => `${s.padEnd(w0)}  → ${t.padEnd(w1)}  ${x.padEnd(9)}  ${why}`);
  return `${[`inferred from ${model.origin}: ${rows.length} expectation${rows.length === 1 ? '' : 's'}`, ...lines].join('\n')}\n`;
}

/**
 * A scenario in today's format that a user can commit and edit: each target on its own line, commented with why it
 * was inferred. Strings are written as JSON strings (valid YAML) wherever a bare word could be read otherwise.
 */
export function renderScenario(model: InferModel, entries: readonly InferredEntry[]): string {
  const word = (s: string) =>
    /^[A-Za-z0-9_.-]+(:[0-9]+)?$/.test(s) && !/^(true|false|null|yes|no|on|off|~)$/i.test(s) ? s : JSON.stringify(s);
  const lines = [
    `# Inferred by dockprobe infer from ${model.origin}: what the Compose model says is allowed. Each target says why.`,
    '# Edit it to say what you mean, commit it, and run it: dockprobe test FILE',
    `project: ${word(model.project)}`,
    ...(model.traefik
      ? [`traefik: {}  # ${model.traefik} runs Traefik: each route is checked on the network Traefik picks for it`]
      : []),
    'expect:',
  ];
  for (const e of entries) {
    lines.push(`  - name: ${JSON.stringify(e.name)}`);
    lines.push(`    from: ${e.from === 'host' ? 'host' : `{ network: ${word(e.from.network)} }`}`);
    lines.push('    to:');
    for (const t of e.to) lines.push(`      - ${word(t.target)}  # ${t.why.replace(/\n/g, ' ')}`);
    lines.push(`    reachable: ${e.reachable}`);
  }
  return `${lines.join('\n')}\n`;
}
