import t from 'tap';
import { familiarImageName } from '../../src/docker/familiar-image-name.js';

t.test("Podman's qualified names of local images read as Docker's", async (t) => {
  t.equal(familiarImageName('docker.io/library/dockprobe-probe:0.1.0-abc'), 'dockprobe-probe:0.1.0-abc');
  t.equal(familiarImageName('localhost/dockprobe-probe:0.1.0-abc'), 'dockprobe-probe:0.1.0-abc');
  t.equal(familiarImageName('dockprobe-probe:0.1.0-abc'), 'dockprobe-probe:0.1.0-abc');
  t.equal(familiarImageName('docker.io/traefik/whoami:1'), 'docker.io/traefik/whoami:1', 'an owner stays');
  t.equal(familiarImageName('registry.local:5000/app:1'), 'registry.local:5000/app:1');
});
