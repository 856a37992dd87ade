import t from 'tap';
import { parseFault } from '../../src/chaos/fault.js';

// --fault KIND ARG…: each kind with its words; anything else a usage error naming the option, what it got, the forms.

t.test('each kind with its words', async (t) => {
  t.same(parseFault('reconnect:api:backend'), { kind: 'reconnect', service: 'api', network: 'backend' });
  t.same(parseFault('restart postgres'), { kind: 'restart', service: 'postgres' });
  t.same(parseFault('recreate:api'), { kind: 'recreate', service: 'api' });
  t.same(parseFault('reload-firewall'), { kind: 'reload-firewall' });
  t.same(parseFault('restart-engine'), { kind: 'restart-engine' });
});

t.test('a usage error names the option, what it got and the forms', async (t) => {
  t.throws(() => parseFault(''), { code: 'DP_USAGE', message: /no fault named/ });
  t.throws(() => parseFault('reboot:x'), {
    code: 'DP_USAGE',
    message:
      "--fault reboot:x: no fault is called 'reboot' (the faults: reconnect, restart, recreate, reload-firewall, restart-engine)",
    hint: /--fault reconnect:SERVICE:NETWORK \| --fault restart:SERVICE/,
  });
  t.throws(() => parseFault('reconnect:api'), {
    message: '--fault reconnect:api: reconnect takes SERVICE and NETWORK, got api',
  });
  t.throws(() => parseFault('restart'), { message: /restart takes SERVICE, got nothing/ });
  t.throws(() => parseFault('reload-firewall:x'), { message: /reload-firewall takes nothing, got x/ });
});
