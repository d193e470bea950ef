import { describe, expect, it } from 'vitest';
import { accentTextColor } from '../branding';
import { readEmbedOptions } from './embed-options';

describe('readEmbedOptions', () => {
  it('reads ?embed=1 and a well-formed ?model=', () => {
    expect(readEmbedOptions('?embed=1&model=org/model')).toEqual({ compact: true, model: 'org/model' });
    expect(readEmbedOptions('')).toEqual({ compact: false, model: null });
    expect(readEmbedOptions('?embed=true&model=../../etc')).toEqual({ compact: false, model: null });
  });
});

describe('accentTextColor', () => {
  it('picks the text colour that reads on the accent', () => {
    expect(accentTextColor('#1f5f8b')).toBe('#ffffff');
    expect(accentTextColor('#f5d000')).toBe('#000000');
  });
});
