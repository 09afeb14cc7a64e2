import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it, expect } from 'vitest';
import { nativeStatus, packageRoot, probeNativeAddon } from '../../src/native/index.js';

const root = packageRoot();

describe('native addon loading', () => {
  it('finds the package root from src/native and from dist/src/native', () => {
    expect(root).toBe(packageRoot(join(root, 'dist', 'src', 'native')));
    const fake = mkdtempSync(join(tmpdir(), 'ledpipe-root-'));
    writeFileSync(join(fake, 'package.json'), '{}');
    mkdirSync(join(fake, 'dist', 'src', 'native'), { recursive: true });
    expect(packageRoot(join(fake, 'dist', 'src', 'native'))).toBe(fake);
  });

  it('reports its state without throwing', () => {
    const status = nativeStatus();
    expect(typeof status.available).toBe('boolean');
    expect(status.path).toBe(join(root, 'build', 'Release', 'ledpipe_native.node'));
    if (status.available) {
      expect(status.info?.built).toBe(true);
      expect(['scalar', 'avx2', 'avx512']).toContain(status.info?.isa);
    } else {
      expect(status.reason).toMatch(/./);
    }
  });

  it('falls back with a reason when the addon is missing, broken or disabled', () => {
    const missing = probeNativeAddon(join(tmpdir(), 'no-such-addon.node'));
    expect(missing.available).toBe(false);
    expect(missing.reason).toMatch(/^not built \(no .*no-such-addon\.node\)$/);

    const broken = join(mkdtempSync(join(tmpdir(), 'ledpipe-addon-')), 'broken.node');
    writeFileSync(broken, 'not a shared object');
    const bad = probeNativeAddon(broken);
    expect(bad.available).toBe(false);
    expect(bad.reason).toMatch(/^failed to load .*broken\.node: /);

    expect(probeNativeAddon(undefined, { LEDPIPE_DISABLE_NATIVE: '1' }).reason).toBe('disabled by LEDPIPE_DISABLE_NATIVE=1');
    expect(probeNativeAddon(undefined, { LEDPIPE_NATIVE_PATH: join(tmpdir(), 'x.node') }).path).toBe(join(tmpdir(), 'x.node'));
  });
});
