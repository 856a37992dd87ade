import t from 'tap';
import { imageName, traefikVersion, versionAtLeast } from '../../src/traefik/traefik-version.js';

// Which Traefik runs: the image's version label first, then its tag; `latest` and codenames say nothing.

t.test('the tag gives the version, with or without v, with a registry, path, suffix or digest', async (t) => {
  t.match(traefikVersion('traefik:v2.11', {}), {
    major: 2,
    minor: 11,
    patch: undefined,
    text: 'v2.11',
    from: 'image tag',
  });
  t.match(traefikVersion('traefik:3.0', {}), { major: 3, minor: 0, patch: undefined, text: '3.0' });
  t.match(traefikVersion('registry.local:5000/mirror/traefik:v3.2.2@sha256:abc', {}), { major: 3, minor: 2, patch: 2 });
  t.match(traefikVersion('traefik:v3.0-windowsservercore-1809', {}), { major: 3, minor: 0 });
  t.match(traefikVersion('traefik:v3', {}), { major: 3, minor: undefined });
});

t.test('latest, no tag, or a codename: the major is unknown, and said so', async (t) => {
  t.match(traefikVersion('traefik:latest', {}), { major: undefined, text: 'latest', from: 'nothing' });
  t.match(traefikVersion('traefik', {}), { major: undefined, text: 'latest', from: 'nothing' });
  t.match(traefikVersion('traefik:mimolette', {}), { major: undefined, text: 'mimolette' });
  t.match(
    traefikVersion('localhost:5000/traefik', {}),
    { major: undefined, text: 'latest' },
    "a registry's port is not a tag",
  );
});

t.test("the image's version label beats a floating tag", async (t) => {
  t.match(traefikVersion('traefik:latest', { 'org.opencontainers.image.version': 'v3.1.4' }), {
    major: 3,
    minor: 1,
    patch: 4,
    text: 'v3.1.4',
    from: 'image label',
  });
  t.match(
    traefikVersion('traefik:v2.11', { 'org.opencontainers.image.version': 'not-a-version' }),
    { major: 2, from: 'image tag' },
    'a label that is no version is passed over',
  );
});

t.test(
  "another image's tag and version label are its own, not Traefik's; a Traefik-titled image is Traefik's",
  async (t) => {
    t.match(traefikVersion('registry.local/edge:7', {}), {
      major: undefined,
      text: 'registry.local/edge:7',
      from: 'nothing',
    });
    t.match(traefikVersion('registry.local/edge:7', { 'org.opencontainers.image.version': '7.1.0' }), {
      major: undefined,
    });
    t.match(
      traefikVersion('registry.local/edge:7', {
        'org.opencontainers.image.version': 'v3.1.2',
        'org.opencontainers.image.title': 'Traefik',
      }),
      { major: 3, minor: 1, from: 'image label' },
      'built on the official image',
    );
  },
);

t.test('versionAtLeast answers only what the known parts can tell', async (t) => {
  const v = (image: string) => traefikVersion(image, {});
  t.equal(versionAtLeast(v('traefik:v3.2.2'), [3, 2, 2]), true);
  t.equal(versionAtLeast(v('traefik:v3.3'), [3, 2, 2]), true);
  t.equal(versionAtLeast(v('traefik:v3.0'), [3, 2, 2]), false);
  t.equal(versionAtLeast(v('traefik:v3.2.1'), [3, 2, 2]), false);
  t.equal(versionAtLeast(v('traefik:v3.2'), [3, 2, 2]), undefined, 'v3.2 may be 3.2.0 or 3.2.5');
  t.equal(versionAtLeast(v('traefik:v3'), [3, 2, 2]), undefined);
  t.equal(versionAtLeast(v('traefik:latest'), [3, 2, 2]), undefined);
});

t.test('imageName: the repository, without registry, path, tag or digest', async (t) => {
  t.equal(imageName('traefik:v2.11'), 'traefik');
  t.equal(imageName('docker.io/library/traefik@sha256:abc'), 'traefik');
  t.equal(imageName('registry.local:5000/Edge/Traefik:v3'), 'traefik');
  t.equal(imageName('traefik-forward-auth:2'), 'traefik-forward-auth');
});
