import { describe, expect, it } from 'vitest';
import { CITE_PASSAGES, withDocuments } from './document-prompt';

describe('withDocuments', () => {
  it('puts each file whole before the message, numbered and named', () => {
    const documents = [
      { name: 'a "quoted"\nname.txt', text: '\nfirst\n' },
      { name: 'b.md', text: 'second' },
    ];
    expect(withDocuments('What do they say?', documents)).toBe(
      '<document id="1" name="a  quoted  name.txt">\nfirst\n</document>\n\n<document id="2" name="b.md">\nsecond\n</document>\n\nWhat do they say?',
    );
    expect(withDocuments('Hi', undefined)).toBe('Hi');
  });

  it('with passages, puts them instead, numbered with their file and place, and asks for citations', () => {
    const passages = [
      { name: 'guide.pdf', page: 23, text: 'The code is 42.' },
      { name: 'notes.md', section: 'Results', text: 'It worked.' },
    ];
    expect(withDocuments('What is the code?', [{ name: 'guide.pdf', text: 'all of it' }], passages)).toBe(
      '<passage id="1" source="guide.pdf" page="23">\nThe code is 42.\n</passage>\n\n' +
        '<passage id="2" source="notes.md" section="Results">\nIt worked.\n</passage>\n\n' +
        `${CITE_PASSAGES}\n\nWhat is the code?`,
    );
  });
});
