import t from 'tap';
import { listenOption } from '../../src/cli/listen-option.js';

t.test('--listen HOST:PORT', async (t) => {
  t.same(listenOption('127.0.0.1:9480'), { host: '127.0.0.1', port: 9480 });
  t.same(listenOption(':9480'), { host: '0.0.0.0', port: 9480 });
  t.same(listenOption('[::1]:0'), { host: '::1', port: 0 });
  t.same(listenOption('metrics.local:80'), { host: 'metrics.local', port: 80 });
  for (const bad of ['9480', '127.0.0.1:70000', '127.0.0.1:', '[nope]:80', '::1:80'])
    t.throws(() => listenOption(bad), { code: 'DP_USAGE', message: /--listen/ }, bad);
});
