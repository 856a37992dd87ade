import { performance } from 'node:perf_hooks';
import t from 'tap';
import { DnsWitness } from '../../probes/agent/dns-witness.js';

// The witness of a failed lookup: only an answer to a witness asked at or after the lookup began vouches for it.

function deferred() {
  let resolve!: (ok: boolean) => void;
  const promise = new Promise<boolean>((r) => (resolve = r));
  return { promise, resolve };
}

t.test('a witness asked after the lookup began and answered vouches; one that was not answered does not', async (t) => {
  const asks: ReturnType<typeof deferred>[] = [];
  const witness = new DnsWitness(() => {
    const d = deferred();
    asks.push(d);
    return d.promise;
  });
  const since = performance.now();
  const vouched = witness.vouch(since, 10_000);
  t.equal(asks.length, 1, 'one witness asked');
  asks[0]!.resolve(true);
  t.equal(await vouched, true);
  t.equal(await witness.vouch(since, 10_000), true, 'its answer kept for lookups begun before it');
  t.equal(asks.length, 1, 'and not asked again for them');

  const later = performance.now() + 1;
  while (performance.now() < later) await new Promise((r) => setImmediate(r));
  const after = witness.vouch(later, 10_000);
  t.equal(asks.length, 2, 'a lookup begun after the last witness asks a new one');
  asks[1]!.resolve(false);
  t.equal(await after, false, 'the server did not answer the name it has: nothing vouched');
});

t.test('a witness already in flight from before the lookup began does not vouch: the next one does', async (t) => {
  const asks: ReturnType<typeof deferred>[] = [];
  const witness = new DnsWitness(() => {
    const d = deferred();
    asks.push(d);
    return d.promise;
  });
  const first = witness.vouch(performance.now(), 10_000);
  const begun = performance.now() + 1;
  while (performance.now() < begun) await new Promise((r) => setImmediate(r));
  const second = witness.vouch(begun, 10_000);
  asks[0]!.resolve(true);
  t.equal(await first, true);
  await new Promise((r) => setImmediate(r));
  t.equal(asks.length, 2, 'a new witness for the lookup begun after the first was asked');
  asks[1]!.resolve(false);
  t.equal(await second, false);
});

t.test('no answer to the witness within the wait: not vouched', async (t) => {
  const witness = new DnsWitness(() => new Promise<boolean>(() => undefined));
  t.equal(await witness.vouch(performance.now(), 20), false);
});
