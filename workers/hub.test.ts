import { describe, expect, it } from 'vitest';
import { validateRepoId } from './hub';

describe('validateRepoId', () => {
  it.each(['onnx-community/Qwen2.5-0.5B-Instruct', 'HuggingFaceTB/SmolLM2-135M-Instruct', 'a/b', 'user_1/model_'])('accepts %s', (repo) => {
    expect(() => validateRepoId(repo)).not.toThrow();
  });

  it.each(['owner/.', 'owner/..', './name', 'owner/name.', 'owner/-name', 'owner/a..b', 'owner/a--b', 'owner', 'a/b/c', 'owner/', '/name', 'owner/na me', `owner/${'x'.repeat(97)}`])(
    'refuses %s with a message that says what an id looks like',
    (repo) => {
      expect(() => validateRepoId(repo)).toThrow(/is not a Hugging Face model id\. Use the form owner\/name/);
    },
  );
});
