import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import type { ImageClient } from '../src/docker/image-client.js';
import { LABEL_ROLE, LABEL_RUN } from '../src/docker/labels.js';

/**
 * A listener image of busybox alone, built FROM scratch (no registry), tagged `REPOSITORY:RUN` and labelled with the
 * run: when this host has a statically linked busybox with the httpd applet. Undefined otherwise (the bench then
 * serves with the probe image).
 */
export async function busyboxListener(
  images: Pick<ImageClient, 'build'>,
  repository: string,
  run: string,
): Promise<{ image: string; binary: string } | undefined> {
  const found = await execa('sh', ['-c', 'command -v busybox'], { reject: false, timeout: 10_000 });
  const binary = found.stdout.trim();
  if (found.exitCode !== 0 || !binary) return undefined;
  const ldd = await execa('ldd', [binary], { reject: false, timeout: 10_000 });
  const applets = await execa(binary, ['--list'], { reject: false, timeout: 10_000 });
  if (
    !/not a dynamic executable|statically linked/.test(`${ldd.stdout}${ldd.stderr}`) ||
    !applets.stdout.split('\n').includes('httpd')
  )
    return undefined;
  const dir = await mkdtemp(join(tmpdir(), `${repository}-`));
  try {
    await copyFile(binary, join(dir, 'busybox'));
    await writeFile(
      join(dir, 'Dockerfile'),
      'FROM scratch\nCOPY busybox /bin/busybox\nUSER 65534:65534\nENTRYPOINT ["/bin/busybox"]\n',
    );
    const image = `${repository}:${run}`;
    await images.build({
      contextDir: dir,
      files: ['Dockerfile', 'busybox'],
      tag: image,
      labels: { [LABEL_RUN]: run, [LABEL_ROLE]: 'image' },
      timeoutMs: 120_000,
    });
    return { image, binary };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Runs `work` over `items`, at most `limit` at once. */
export async function atMost<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}
