import { describe, expect, it } from 'vitest';

import { OutboundForm } from './outbound-form.svelte';

describe('the export and print form', () => {
  it('hands the typed passphrase to the task, then forgets it', async () => {
    const form = new OutboundForm();
    form.passphrase = 'chair passphrase';
    let given = '';
    const result = await form.submit((passphrase) => {
      given = passphrase;
      expect(form.busy).toBe(true);
      return Promise.resolve(7);
    });
    expect(result).toBe(7);
    expect(given).toBe('chair passphrase');
    expect(form.passphrase).toBe('');
    expect(form.busy).toBe(false);
    expect(form.error).toBeNull();
  });

  it('shows what the app refused with, and forgets the passphrase too', async () => {
    const form = new OutboundForm();
    form.passphrase = 'wrong';
    const refusal = { code: 'error.batch.wrong_passphrase', params: {} };
    const result = await form.submit(() => Promise.reject(refusal));
    expect(result).toBeNull();
    expect(form.error).toEqual(refusal);
    expect(form.passphrase).toBe('');
    expect(form.busy).toBe(false);
  });
});
