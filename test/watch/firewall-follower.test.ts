import t from 'tap';
import type { FirewallReading } from '../../src/watch/firewall-digest.js';
import { type FirewallChange, FirewallFollower } from '../../src/watch/firewall-follower.js';

const BASE = '-A DOCKER-ISOLATION-STAGE-1 -i br-abc -j DOCKER-ISOLATION-STAGE-2';
const reading = (rules: string): FirewallReading => ({ digest: rules, rules });

function follower(reads: Array<() => Promise<FirewallReading>>, own: string[] = []) {
  const changes: FirewallChange[] = [];
  let ownOnly = 0;
  let listings = 0;
  const f = new FirewallFollower({
    reader: () => (reads.shift() ?? (async () => reading(BASE)))(),
    first: { digest: BASE, rules: BASE },
    listOwnAddresses: async () => {
      listings++;
      return own;
    },
    onChange: (c) => changes.push(c),
    onOwnOnly: () => ownOnly++,
    relistMs: 5,
    relists: 3,
  });
  return { f, changes, ownOnly: () => ownOnly, listings: () => listings };
}

t.test("a change of Docker's chains is a change at once, with no relisting", async (t) => {
  const s = follower([async () => reading('-A INPUT -j ACCEPT')]);
  await s.f.poll();
  t.same(s.changes, [{ rules: ['-A INPUT -j ACCEPT', BASE], covered: false }]);
  t.equal(s.listings(), 1, 'one listing of its own addresses');
});

t.test('a rule about one address not listed as its own is read against the list again before it counts', async (t) => {
  const rule = '-A PREROUTING -d 172.18.0.9/32 ! -i br-abc -j DROP';
  const s = follower([async () => reading(`${BASE}\n${rule}`)]);
  await s.f.poll();
  t.same(s.changes, [{ rules: [rule], covered: false }]);
  t.equal(s.listings(), 4, 'listed, then three times more');
});

t.test("the rules of the watch's own addresses are no change", async (t) => {
  const s = follower(
    [async () => reading(`${BASE}\n-A PREROUTING -d 172.18.0.9/32 ! -i br-abc -j DROP`)],
    ['172.18.0.9'],
  );
  await s.f.poll();
  t.same(s.changes, []);
  t.equal(s.ownOnly(), 1);
});

t.test('a change read as a round starts is covered by it, and the next poll owes nothing', async (t) => {
  const changed = `${BASE}\n-A INPUT -j ACCEPT`;
  const s = follower([async () => reading(changed), async () => reading(changed)]);
  await s.f.beforeRound();
  await s.f.poll();
  t.same(s.changes, [{ rules: ['-A INPUT -j ACCEPT'], covered: true }]);
});

t.test('a poll whose change a round started after is covered by that round', async (t) => {
  const rule = '-A PREROUTING -d 172.18.0.9/32 ! -i br-abc -j DROP';
  const changed = `${BASE}\n${rule}`;
  const s = follower([async () => reading(changed), async () => reading(changed)]);
  // The poll relists (the rule is about one address); a round starts meanwhile.
  const polled = s.f.poll();
  await new Promise((resolve) => setTimeout(resolve, 1));
  await s.f.beforeRound();
  await polled;
  t.same(s.changes, [{ rules: [rule], covered: true }]);
});

t.test('a slow reading started before a newer one never overrides it', async (t) => {
  const changed = `${BASE}\n-A INPUT -j ACCEPT`;
  let release: (r: FirewallReading) => void = () => {};
  const slow = new Promise<FirewallReading>((resolve) => {
    release = resolve;
  });
  const s = follower([() => slow, async () => reading(changed)]);
  const polled = s.f.poll();
  await s.f.beforeRound();
  // The old rules, read before the round's reading began, arrive last.
  release(reading(BASE));
  await polled;
  t.same(s.changes, [{ rules: ['-A INPUT -j ACCEPT'], covered: true }], 'the old rules are not a change back');
});
