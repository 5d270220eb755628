import { describe, expect, it } from 'vitest';

import { Attempt } from './attempt.svelte';

describe('an attempt', () => {
  it('is busy while the task runs, then hands back its result and clears the refusal', async () => {
    const step = new Attempt();
    step.error = { code: 'error.store.bad_value', params: {} };
    const result = await step.run(() => {
      expect(step.busy).toBe(true);
      expect(step.error).not.toBeNull();
      return Promise.resolve('done');
    });
    expect(result).toBe('done');
    expect(step.busy).toBe(false);
    expect(step.error).toBeNull();
  });

  it('keeps what the app refused with', async () => {
    const step = new Attempt();
    const refusal = { code: 'error.store.weak_pin', params: {} };
    const result = await step.run(() => Promise.reject(refusal));
    expect(result).toBeNull();
    expect(step.error).toEqual(refusal);
    expect(step.busy).toBe(false);
  });
});
