import t from 'tap';
import { parseDuration } from '../../src/scenario/duration.js';

t.test('durations from 1 ms to 10 min; anything that rounds to nothing, or beyond, is refused', async (t) => {
  t.equal(parseDuration('500ms'), 500);
  t.equal(parseDuration('1.5s'), 1500);
  t.equal(parseDuration('10m'), 600_000);
  t.equal(parseDuration('1ms'), 1);
  // Once taken as 0 ms: every check then "timed out", a false finding.
  t.equal(parseDuration('0.0001ms'), undefined);
  t.equal(parseDuration('0.4ms'), undefined);
  t.equal(parseDuration('0s'), undefined);
  // Once overflowed Node's timers (TimeoutOverflowWarning): everything inconclusive.
  t.equal(parseDuration('10.5m'), undefined);
  t.equal(parseDuration('99999999m'), undefined);
  t.equal(parseDuration('soon'), undefined);
});
