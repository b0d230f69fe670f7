import { describe, expect, it } from 'vitest';
import { canonicalBody, hashLeadBody } from '../../src/ledger/body-hash.js';
import type { LeadBody } from '../../src/types.js';

const body: LeadBody = {
  phoneNumber: '+12125550100',
  externalId: 'crm-1',
  timeZoneId: 'Eastern Standard Time',
  callData: { firstName: 'Ada', age: 36, vip: true },
};

describe('body hash', () => {
  it('is sha256 in base64url of one canonical form', () => {
    expect(hashLeadBody(body)).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(canonicalBody(body)).toBe(
      '{"phoneNumber":"+12125550100","externalId":"crm-1","timeZoneId":"Eastern Standard Time",' +
        '"callData":{"age":36,"firstName":"Ada","vip":true}}',
    );
    // Fixed for good: a different value would make every known lead look changed once.
    expect(hashLeadBody({ phoneNumber: '+12125550100' })).toBe('-AwO64aBFBP0IBftcwQpyMgGx8onT_I-g71kANKSsq0');
  });

  it('does not change with the order of fields or of callData keys', () => {
    const reordered: LeadBody = {
      callData: { vip: true, age: 36, firstName: 'Ada' },
      timeZoneId: 'Eastern Standard Time',
      externalId: 'crm-1',
      phoneNumber: '+12125550100',
    };
    expect(hashLeadBody(reordered)).toBe(hashLeadBody(body));
  });

  it('treats an absent, null or empty field, and empty callData, as the same: not given', () => {
    const bare = hashLeadBody({ phoneNumber: '+12125550100' });
    const empties = { phoneNumber: '+12125550100', externalId: '', timeZoneId: undefined, callData: {} };
    expect(hashLeadBody(empties)).toBe(bare);
    expect(hashLeadBody({ ...empties, callData: { note: '' } })).toBe(bare);
    expect(hashLeadBody({ ...(empties as object), timeZoneId: null } as unknown as LeadBody)).toBe(bare);
    expect(hashLeadBody({ ...body, callData: { ...body.callData, note: '' } })).toBe(hashLeadBody(body));
  });

  it('changes with any value, and with a value of another type', () => {
    const hash = hashLeadBody(body);
    expect(hashLeadBody({ ...body, phoneNumber: '+12125550101' })).not.toBe(hash);
    expect(hashLeadBody({ ...body, timeZoneId: 'Pacific Standard Time' })).not.toBe(hash);
    expect(hashLeadBody({ ...body, externalId: 'crm-2' })).not.toBe(hash);
    expect(hashLeadBody({ ...body, callData: { ...body.callData, firstName: 'Grace' } })).not.toBe(hash);
    expect(hashLeadBody({ ...body, callData: { ...body.callData, age: '36' } })).not.toBe(hash);
    expect(hashLeadBody({ ...body, callData: { ...body.callData, extra: 'x' } })).not.toBe(hash);
    // A value moved from one key to another is a change, not the same text.
    expect(hashLeadBody({ phoneNumber: '+1', callData: { a: 'x' } })).not.toBe(
      hashLeadBody({ phoneNumber: '+1', callData: { b: 'x' } }),
    );
  });
});
