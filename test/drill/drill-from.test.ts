import t from 'tap';
import { parseDrillFrom } from '../../src/drill/drill-from.js';

t.test(
  '--from SERVICE, --from network:NAME, --all: exactly one, and the value received named when wrong',
  async (t) => {
    t.same(parseDrillFrom('proxy', false), { kind: 'service', service: 'proxy' });
    t.same(parseDrillFrom('network:public-facing', false), { kind: 'network', network: 'public-facing' });
    t.same(parseDrillFrom(undefined, true), { kind: 'all' });
    t.same(parseDrillFrom('lan', false), { kind: 'lan' });
    t.throws(() => parseDrillFrom('proxy', true), {
      code: 'DP_USAGE',
      message: "give --from or --all, not both (got --from 'proxy' and --all)",
    });
    t.throws(() => parseDrillFrom(undefined, false), {
      code: 'DP_USAGE',
      message: 'drill needs --from SERVICE, --from network:NAME, --from lan or --all',
    });
    t.throws(() => parseDrillFrom('lan:eth0', false), {
      code: 'DP_USAGE',
      message: "--from must be SERVICE, network:NAME or lan, got 'lan:eth0'",
    });
    t.throws(() => parseDrillFrom('network:', false), {
      code: 'DP_USAGE',
      message: "--from network:NAME needs a network name, got 'network:'",
    });
    t.throws(() => parseDrillFrom('two words', false), {
      code: 'DP_USAGE',
      message: "--from must be SERVICE, network:NAME or lan, got 'two words'",
    });
  },
);
