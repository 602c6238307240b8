import { execFile } from 'node:child_process';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The parts of an OCI image configuration the tests look at. */
export interface ImageConfig {
  User?: string;
  Entrypoint?: string[];
  Cmd?: string[];
  Env?: string[];
  WorkingDir?: string;
  Labels?: Record<string, string>;
}

/** An image unpacked from an OCI archive: its root filesystem and its configuration. */
export interface UnpackedImage {
  rootfs: string;
  config: ImageConfig;
}

/**
 * Builds Greenroom's image from its Dockerfile with buildah (tools/image/build.sh, which
 * installs its Debian packages and builds the local base the first time) and returns the
 * path of the OCI archive it exports. Cached by buildah's layers: seconds when nothing changed.
 */
export async function buildImage(root: string): Promise<string> {
  const { stdout } = await run('bash', [join(root, 'tools/image/build.sh')], {
    cwd: root,
    maxBuffer: 64 << 20,
    timeout: 20 * 60_000,
  });
  return stdout.trim().split('\n').at(-1)!;
}

async function readBlob(layout: string, digest: string): Promise<unknown> {
  return JSON.parse(await readFile(join(layout, 'blobs', ...digest.split(':')), 'utf8')) as unknown;
}

/**
 * Unpacks the one image of an OCI archive into `dir` with umoci — the archive containerd
 * imports, not buildah's storage — so the test sees what a node would run.
 */
export async function unpackImage(archive: string, dir: string): Promise<UnpackedImage> {
  const layout = join(dir, 'layout');
  await mkdir(layout, { recursive: true });
  await run('tar', ['-xf', archive, '-C', layout]);
  const index = JSON.parse(await readFile(join(layout, 'index.json'), 'utf8')) as {
    manifests: { digest: string; annotations?: Record<string, string> }[];
  };
  const [entry, ...more] = index.manifests;
  if (!entry || more.length > 0) throw new Error(`${archive}: ${index.manifests.length} images, expected one`);
  const manifest = (await readBlob(layout, entry.digest)) as { config: { digest: string } };
  const { config } = (await readBlob(layout, manifest.config.digest)) as { config: ImageConfig };
  const tag = entry.annotations?.['org.opencontainers.image.ref.name'];
  const bundle = join(dir, 'bundle');
  await run('umoci', ['unpack', '--image', `${layout}:${tag}`, bundle], { maxBuffer: 16 << 20 });
  return { rootfs: join(bundle, 'rootfs'), config };
}
