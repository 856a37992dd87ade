import t from 'tap';
import { COMMON_PORTS, parsePortsOption, portInfo, RISK_RANK } from '../../../src/checks/port/common-ports.js';

t.test('the common ports: each once, the Docker API first, each kind ranked', async (t) => {
  t.equal(new Set(COMMON_PORTS.map((p) => p.port)).size, COMMON_PORTS.length, 'no port twice');
  t.same(
    COMMON_PORTS.filter((p) => p.kind === 'docker-api').map((p) => p.port),
    [2375, 2376],
  );
  t.same(
    [5432, 3306, 27017].map((p) => portInfo(p).kind),
    ['database', 'database', 'database'],
  );
  t.same(
    [6379, 11211, 5672, 9092, 4222, 15672].map((p) => portInfo(p).kind),
    ['cache', 'cache', 'broker', 'broker', 'broker', 'admin'],
  );
  t.same(portInfo(3001), { kind: 'other', name: undefined });
  t.ok(
    RISK_RANK['docker-api'] < RISK_RANK.database &&
      RISK_RANK.database < RISK_RANK.cache &&
      RISK_RANK.cache === RISK_RANK.broker &&
      RISK_RANK.broker < RISK_RANK.admin &&
      RISK_RANK.admin < RISK_RANK.other,
  );
});

t.test('--ports: numbers replace the list, default extends it, none stands alone; a bad value is named', async (t) => {
  t.same(parsePortsOption(['6379,5432', '5432']), [5432, 6379], 'repeated and comma-separated, each once, sorted');
  t.same(
    parsePortsOption('default,8443'),
    [...COMMON_PORTS.map((p) => p.port), 8443].sort((a, b) => a - b),
  );
  t.same(parsePortsOption('none'), []);
  t.throws(() => parsePortsOption('none,22'), {
    code: 'DP_USAGE',
    message: "--ports 'none' stands alone (only exposed and published ports), got 'none,22'",
  });
  t.throws(() => parsePortsOption('22,http'), {
    code: 'DP_USAGE',
    message: "--ports takes port numbers from 1 to 65535, 'default' or 'none'; got 'http' (in '22,http')",
  });
  t.throws(() => parsePortsOption('70000'), { code: 'DP_USAGE', message: /got '70000'/ });
  t.throws(() => parsePortsOption(','), {
    code: 'DP_USAGE',
    message: "--ports must list ports, 'default' or 'none', got ','",
  });
});
