import { describe, expect, it } from 'vitest';
import { compileEagerly } from '../../../scripts/eager-compile';

type Bundle = Record<string, { type: 'chunk' | 'asset'; code?: string; source?: string }>;

function generate(bundle: Bundle, fileName: string): Bundle {
  const hook = compileEagerly(fileName).generateBundle as (options: unknown, bundle: Bundle) => void;
  hook({}, bundle);
  return bundle;
}

describe('compileEagerly', () => {
  it('starts the named script with V8’s compile hint, and leaves every other file alone', () => {
    const bundle = generate(
      {
        'content-script.js': { type: 'chunk', code: 'var a=1;' },
        'content-main.js': { type: 'chunk', code: 'var b=2;' },
        'icon.svg': { type: 'asset', source: '<svg/>' },
      },
      'content-script.js',
    );
    expect(bundle['content-script.js']!.code).toBe('//# allFunctionsCalledOnLoad\nvar a=1;');
    expect(bundle['content-main.js']!.code).toBe('var b=2;');
    expect(bundle['icon.svg']!.source).toBe('<svg/>');
  });

  it('adds the hint once, and does nothing in a build without the script', () => {
    const bundle = generate({ 'content-script.js': { type: 'chunk', code: 'var a=1;' } }, 'content-script.js');
    generate(bundle, 'content-script.js');
    expect(bundle['content-script.js']!.code).toBe('//# allFunctionsCalledOnLoad\nvar a=1;');
    expect(generate({ 'popup.js': { type: 'chunk', code: 'x' } }, 'content-script.js')['popup.js']!.code).toBe('x');
  });
});
