import t from 'tap';
import { isRootless } from '../../src/docker/is-rootless.js';

// `docker info`'s SecurityOptions as engines print them: a rootless dockerd lists `name=rootless`.

t.test('a rootless engine lists name=rootless among its security options', async (t) => {
  t.equal(isRootless(['name=seccomp,profile=builtin', 'name=rootless', 'name=cgroupns']), true);
  t.equal(isRootless(['name=seccomp,profile=default', 'name=rootless']), true);
});

t.test('a rootful engine, an engine that lists none, and a look-alike are not rootless', async (t) => {
  t.equal(isRootless(['name=apparmor', 'name=seccomp,profile=builtin', 'name=cgroupns']), false);
  t.equal(isRootless([]), false);
  t.equal(isRootless(null), false);
  t.equal(isRootless(undefined), false);
  t.equal(isRootless(['name=rootlesskit-like']), false);
});
