import t from 'tap';
import { parseDefaultRoute } from '../../probes/agent/default-route.js';

const header = 'Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT';

t.test('reads the default route and its gateway (little-endian hex)', async (t) => {
  const table = `${header}\neth0\t00000000\t010012AC\t0003\t0\t0\t0\t00000000\t0\t0\t0\neth0\t000012AC\t00000000\t0001\t0\t0\t0\t0000FFFF\t0\t0\t0\n`;
  t.same(parseDefaultRoute(table), { iface: 'eth0', gateway: '172.18.0.1' });
});

t.test('no default route (an internal network) is null; a route that is down does not count', async (t) => {
  t.equal(parseDefaultRoute(`${header}\neth0\t000013AC\t00000000\t0001\t0\t0\t0\t0000FFFF\t0\t0\t0\n`), null);
  t.equal(parseDefaultRoute(`${header}\neth0\t00000000\t010012AC\t0002\t0\t0\t0\t00000000\t0\t0\t0\n`), null);
});
