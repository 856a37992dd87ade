import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { containerIdFromProc } from '../../src/docker/container-id-from-proc.js';

// /proc/self/mountinfo and /proc/self/cgroup as a process sees them: inside a container of engine 20.10 on cgroup v1
// (taken from one), of a cgroup v2 engine (a private cgroup namespace: the cgroup file says only `0::/`), of the
// systemd cgroup driver with the host's cgroup namespace and a data-root elsewhere, of Podman rootful and rootless,
// and on the engine's host itself.
const fixture = (name: string) => {
  const read = (ext: string) =>
    readFileSync(join(import.meta.dirname, '..', 'fixtures', 'proc', `${name}.${ext}`), 'utf8');
  return containerIdFromProc(read('mountinfo'), read('cgroup'));
};

t.equal(fixture('docker-20.10-cgroup-v1'), '255a80e5b5ad006fba811d37648c16fcbe8b31bb95cd348de2bbb119af8e0106');
t.equal(fixture('docker-cgroup-v2'), '8f3b1c2d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9');
t.equal(fixture('docker-systemd-host-cgroupns'), '8f3b1c2d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9');
t.equal(fixture('podman-rootful'), 'c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee01');
t.equal(fixture('podman-rootless'), '5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e');
t.equal(fixture('host'), undefined, "a container's shm mount on the host is not the host being a container");

t.test('the cgroup path alone, where the mounts say nothing', async (t) => {
  const id = 'ab'.repeat(32);
  t.equal(containerIdFromProc('', `0::/system.slice/docker-${id}.scope\n`), id);
  t.equal(containerIdFromProc('', `4:memory:/docker/${id}\n`), id);
  t.equal(containerIdFromProc('', `0::/machine.slice/libpod-${id}.scope/container\n`), id);
  t.equal(containerIdFromProc('', '0::/system.slice/docker.service\n'), undefined, 'the engine itself');
  t.equal(containerIdFromProc('', `0::/docker/${id.slice(0, 12)}\n`), undefined, 'no short ids: they are not proof');
});
