import t from 'tap';
import { matchConstraints } from '../../src/traefik/match-constraints.js';

// Traefik's constraints expressions over a backend's labels.

const labels = { 'traefik.tags': 'public', 'com.docker.stack.namespace': 'edge' };

t.test('Label and LabelRegex, with &&, || , ! and parentheses; Go strings of both kinds', async (t) => {
  t.equal(matchConstraints('Label(`traefik.tags`, `public`)', labels), true);
  t.equal(matchConstraints('Label("traefik.tags", "private")', labels), false);
  t.equal(matchConstraints('LabelRegex(`com.docker.stack.namespace`, `^ed`)', labels), true);
  t.equal(matchConstraints('LabelRegex(`traefik.tags`, `(?i)PUB`)', labels), true, "Go's inline flag");
  t.equal(
    matchConstraints('!Label(`traefik.tags`, `public`) || Label(`x`, ``)', labels),
    true,
    'an unset label is empty',
  );
  t.equal(matchConstraints('Label(`traefik.tags`, `public`) && !(Label(`a`, `b`) || Label(`c`, `d`))', labels), true);
  t.equal(matchConstraints('Label(`traefik.tags`, `public`) && Label(`a`, `b`) || Label(`c`, `d`)', labels), false);
});

t.test('an expression it cannot follow says so instead of guessing', async (t) => {
  t.match(matchConstraints('Tag(`x`)', labels), { unknown: /Tag is not a function/ });
  t.match(matchConstraints('Label(`a`', labels), { unknown: /expected ,/ });
  t.match(matchConstraints('LabelRegex(`a`, `(?s).`)', labels), { unknown: /constraints expression/ });
  t.equal(matchConstraints('LabelRegex(`traefik.tags`, `(?=p)`)', labels), false, 'RE2 refuses it: no match');
  t.match(matchConstraints('Label(`a`, `b`) ~', labels), { unknown: /cannot read it/ });
});
